//! Request bodies written from a step's two-column table, in the table's order (the order in
//! which the service must list the problems it finds): `a.b` names a field of the object `a`,
//! a value that reads as JSON is that JSON (`42`, `["x"]`, `"42"`), any other value is a
//! string, `(N characters)` is a string of that length and `(omitted)` drops the row.

use serde_json::Value;

/// A field's value, or an object of fields in order.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Leaf(Value),
    Object(Vec<(String, Node)>),
}

/// The value a table cell stands for; `None` for `(omitted)`.
pub fn cell_value(text: &str) -> Option<Value> {
    if text == "(omitted)" {
        return None;
    }
    if let Some(count) = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(" characters)"))
        .and_then(|n| n.parse::<usize>().ok())
    {
        return Some(Value::String("x".repeat(count)));
    }
    Some(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())))
}

/// The JSON object text of `(field, value)` pairs, fields in order, dotted names nested.
pub fn object_text(fields: &[(String, Value)]) -> String {
    let mut root = Vec::new();
    for (name, value) in fields {
        insert(&mut root, name, value.clone());
    }
    render(&Node::Object(root))
}

fn insert(object: &mut Vec<(String, Node)>, name: &str, value: Value) {
    match name.split_once('.') {
        None => object.push((name.to_string(), Node::Leaf(value))),
        Some((head, rest)) => {
            let position = object
                .iter()
                .position(|(key, node)| key == head && matches!(node, Node::Object(_)));
            let index = position.unwrap_or_else(|| {
                object.push((head.to_string(), Node::Object(Vec::new())));
                object.len() - 1
            });
            if let Node::Object(inner) = &mut object[index].1 {
                insert(inner, rest, value);
            }
        }
    }
}

fn render(node: &Node) -> String {
    match node {
        Node::Leaf(value) => value.to_string(),
        Node::Object(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|(key, value)| format!("{}: {}", Value::from(key.as_str()), render(value)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_read_as_json_strings_lengths_or_nothing() {
        assert_eq!(cell_value("42"), Some(json!(42)));
        assert_eq!(cell_value("\"42\""), Some(json!("42")));
        assert_eq!(
            cell_value("ext_hannah bret"),
            Some(json!("ext_hannah bret"))
        );
        assert_eq!(cell_value("[\"Hannah\"]"), Some(json!(["Hannah"])));
        assert_eq!(cell_value("(3 characters)"), Some(json!("xxx")));
        assert_eq!(cell_value("(omitted)"), None);
    }

    #[test]
    fn objects_keep_the_table_order_and_nest_dotted_names() {
        let fields = vec![
            ("redirect_url".to_string(), json!("https://e.com")),
            ("client_information.b".to_string(), json!("FR")),
            ("email".to_string(), json!(1)),
            ("client_information.a".to_string(), json!("en")),
        ];
        let text = object_text(&fields);
        assert_eq!(
            text,
            r#"{"redirect_url": "https://e.com", "client_information": {"b": "FR", "a": "en"}, "email": 1}"#
        );
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["client_information"]["a"], "en");
    }
}
