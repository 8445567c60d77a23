//! `--tags`: a Gherkin tag expression (`@control and not @serial`) selecting scenarios by
//! their tags (the feature's and the scenario's) and properties by theirs.

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;

/// A parsed `--tags` expression; selects everything when none was given.
#[derive(Clone, Debug, Default)]
pub struct TagFilter {
    expression: Option<TagOperation>,
    text: Option<String>,
}

impl TagFilter {
    /// Parses `expression` (`@a and not (@b or @c)`); `None` selects everything.
    pub fn parse(expression: Option<&str>) -> Result<Self, String> {
        let Some(text) = expression.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(TagFilter::default());
        };
        let operation = text
            .parse::<TagOperation>()
            .map_err(|e| format!("--tags {text:?} is not a tag expression: {e}"))?;
        Ok(TagFilter {
            expression: Some(operation),
            text: Some(text.to_string()),
        })
    }

    /// Whether a case with `tags` (with or without a leading `@`) is selected.
    pub fn selects<S: AsRef<str>>(&self, tags: &[S]) -> bool {
        match &self.expression {
            None => true,
            Some(operation) => {
                operation.eval(tags.iter().map(|t| t.as_ref().trim_start_matches('@')))
            }
        }
    }

    /// The expression as given, for reports.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_expression_selects_everything() {
        let filter = TagFilter::parse(None).unwrap();
        assert!(filter.selects::<&str>(&[]));
        assert!(filter.selects(&["control"]));
        assert!(TagFilter::parse(Some("  ")).unwrap().selects(&["x"]));
    }

    #[test]
    fn expressions_combine_and_or_not() {
        let filter = TagFilter::parse(Some("@property or (@control and not @serial)")).unwrap();
        assert!(filter.selects(&["property"]));
        assert!(filter.selects(&["@control"]));
        assert!(!filter.selects(&["control", "serial"]));
        assert!(!filter.selects::<&str>(&[]));
        assert_eq!(
            filter.text(),
            Some("@property or (@control and not @serial)")
        );
    }

    #[test]
    fn a_malformed_expression_is_an_error() {
        let error = TagFilter::parse(Some("@a and and")).unwrap_err();
        assert!(error.contains("not a tag expression"), "{error}");
    }
}
