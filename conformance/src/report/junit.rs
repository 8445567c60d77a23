//! The JUnit XML report: one test suite per feature and per property group, one test case per
//! scenario or property. Skipped cases carry `<skipped message="why"/>`, failures
//! `<failure message="first line">everything</failure>`; an expected failure is a skipped case
//! whose message names the deviation, an unexpected pass a passing case with a note.

use super::{kind_name, seconds, RunReport};
use crate::outcome::{Kind, Status};
use std::fmt::Write as _;

/// Escapes text for XML content and attributes, dropping characters XML 1.0 cannot hold.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Renders the report.
pub fn render(report: &RunReport) -> String {
    let totals = report.totals();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
        escape(&format!("facesim-conformance {} at {}", report.api, report.target)),
        totals.total(),
        totals.failed,
        totals.skipped + totals.expected_failures,
        seconds(report.duration)
    );
    for group in report.groups() {
        let tally = group.tally;
        let time: std::time::Duration = group.cases.iter().map(|c| c.duration).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
            escape(&format!("{}: {}", kind_name(group.kind), group.name)),
            tally.total(),
            tally.failed,
            tally.skipped + tally.expected_failures,
            seconds(time)
        );
        let classname = match group.kind {
            Kind::Scenario => format!("scenario.{}", group.name),
            Kind::Property => format!("property.{}", group.name),
        };
        for case in &group.cases {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
                escape(&classname),
                escape(&case.name),
                seconds(case.duration)
            );
            match &case.status {
                Status::Passed => {
                    let _ = writeln!(out, "{open}/>");
                }
                Status::Failed { message } => {
                    let _ = writeln!(
                        out,
                        "{open}>\n      <failure message=\"{}\" type=\"failure\">{}</failure>\n    </testcase>",
                        escape(first_line(message)),
                        escape(message)
                    );
                }
                Status::Skipped { reason } => {
                    let _ = writeln!(
                        out,
                        "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(reason)
                    );
                }
                Status::ExpectedFailure { reason, message } => {
                    let _ = writeln!(
                        out,
                        "{open}>\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>",
                        escape(&format!("expected failure (known deviation): {reason}")),
                        escape(message)
                    );
                }
                Status::UnexpectedPass { reason } => {
                    let _ = writeln!(
                        out,
                        "{open}>\n      <system-out>{}</system-out>\n    </testcase>",
                        escape(&format!(
                            "unexpected pass: the deviations file lists this case ({reason}) but it passed; remove the entry"
                        ))
                    );
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    /// A minimal well-formedness check: every tag closes in order, attributes are quoted, and
    /// no raw `<` or `&` appears outside markup.
    fn well_formed(xml: &str) -> Result<usize, String> {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .ok_or("no XML declaration")?;
        let mut stack: Vec<String> = Vec::new();
        let mut elements = 0;
        let mut rest = body;
        while let Some(at) = rest.find(['<', '&']) {
            let text = &rest[..at];
            if text.contains('>') {
                return Err(format!("raw > in text: {text}"));
            }
            rest = &rest[at..];
            if rest.starts_with('&') {
                let end = rest.find(';').ok_or("unterminated entity")?;
                if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&&rest[..=end]) {
                    return Err(format!("unknown entity {}", &rest[..=end]));
                }
                rest = &rest[end + 1..];
                continue;
            }
            let end = rest.find('>').ok_or("unterminated tag")?;
            let tag = &rest[1..end];
            if tag.contains('<') || tag.matches('"').count() % 2 != 0 {
                return Err(format!("malformed tag <{tag}>"));
            }
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return Err(format!("</{name}> closes nothing open"));
                }
            } else {
                elements += 1;
                let name = tag
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('/')
                    .to_string();
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &rest[end + 1..];
        }
        if stack.is_empty() {
            Ok(elements)
        } else {
            Err(format!("unclosed: {stack:?}"))
        }
    }

    #[test]
    fn the_report_is_well_formed_and_escapes_everything() {
        let xml = sample::report().junit();
        assert_eq!(well_formed(&xml), Ok(1 + 3 + 5 + 4), "{xml}");
        assert!(xml.contains(
            "<testsuites name=\"facesim-conformance truora-validations at http://127.0.0.1:7700/truora/validations\" tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"2\" time=\"12.345\">"
        ), "{xml}");
        assert!(
            xml.contains("name=\"A &lt;second&gt; enrollment &amp; &quot;conflict&quot; | pipe\""),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"Step &quot;Then the request is refused with status 409&quot; (e.feature:9) failed: expected status 409, got 400\" type=\"failure\">"), "{xml}");
        assert!(
            xml.contains("$API_KEY&quot;\u{FFFD}</failure>"),
            "control characters are replaced: {xml}"
        );
        assert!(
            xml.contains(
                "<skipped message=\"needs a control API to move the clock (--control)\"/>"
            ),
            "{xml}"
        );
        assert!(xml.contains("<skipped message=\"expected failure (known deviation): the sandbox accepts it\">expected status 400, got 200</skipped>"), "{xml}");
        assert!(
            xml.contains(
                "<testsuite name=\"Properties: Enrollment forms\" tests=\"1\" failures=\"0\""
            ),
            "{xml}"
        );
        assert!(
            xml.contains("classname=\"property.Enrollment forms\""),
            "{xml}"
        );
        assert!(xml.contains("unexpected pass"), "{xml}");
    }

    #[test]
    fn the_checker_rejects_broken_xml() {
        let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        assert!(well_formed(&format!("{declaration}<a><b></a>")).is_err());
        assert!(well_formed(&format!("{declaration}<a>x & y</a>")).is_err());
        assert!(well_formed(&format!("{declaration}<a>1 < 2</a>")).is_err());
        assert_eq!(
            well_formed(&format!("{declaration}<a><b/>&amp;</a>")),
            Ok(2)
        );
    }

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<a href='x'>&\"</a>\u{0}\t"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;\u{FFFD}\t"
        );
    }
}
