//! The Markdown report: what was checked, the counts per feature and property group, and the
//! details of every case that did not simply pass.

use super::{kind_name, seconds, RunReport, Verdict};
use crate::outcome::Status;
use std::fmt::Write as _;

/// Text shown as it is in a heading or a paragraph (no HTML tags, no entities).
fn inline(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text safe inside a table cell: [`inline`], without pipes or line breaks.
fn cell(text: &str) -> String {
    inline(text)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// A fenced code block long enough not to be closed by the text.
fn fenced(text: &str) -> String {
    let mut fence = "```".to_string();
    while text.contains(&fence) {
        fence.push('`');
    }
    format!("{fence}text\n{}\n{fence}\n", text.trim_end())
}

/// Renders the report.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let verdict = match report.verdict() {
        Verdict::Passed => "**passed**".to_string(),
        Verdict::Failed(n) => format!("**failed** ({n} failing)"),
        Verdict::NothingExecuted(message) => format!("**failed**: {message}"),
    };
    let _ = writeln!(out, "# Conformance report: {}\n", report.api);
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| Target | `{}` |", cell(&report.target));
    let control = report
        .control
        .as_deref()
        .map(|c| format!("`{}`", cell(c)))
        .unwrap_or_else(|| "none: scenarios that move the clock are skipped".into());
    let _ = writeln!(out, "| Control API | {control} |");
    if let Some(tags) = &report.tags {
        let _ = writeln!(
            out,
            "| Tags | `{}` ({} left out) |",
            cell(tags),
            report.filtered_out
        );
    }
    let _ = writeln!(
        out,
        "| Started | {} |",
        humantime::format_rfc3339_seconds(report.started)
    );
    let _ = writeln!(out, "| Duration | {:.1} s |", report.duration.as_secs_f64());
    let _ = writeln!(out, "| Verdict | {verdict} |");
    if report.has_details() {
        let keys: Vec<String> = report
            .key_variables()
            .iter()
            .map(|(variable, option)| format!("`{variable}` (`{option}`)"))
            .collect();
        let _ = writeln!(out, "| Keys in commands | {} |", keys.join(", "));
    }
    out.push('\n');

    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "| Kind | Group | Passed | Failed | Skipped | Expected failures | Unexpected passes |"
    );
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for group in report.groups() {
        let t = group.tally;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            kind_name(group.kind),
            cell(group.name),
            t.passed,
            t.failed,
            t.skipped,
            t.expected_failures,
            t.unexpected_passes
        );
    }
    let t = report.totals();
    let _ = writeln!(
        out,
        "| **Total** | | **{}** | **{}** | **{}** | **{}** | **{}** |\n",
        t.passed, t.failed, t.skipped, t.expected_failures, t.unexpected_passes
    );

    let failures: Vec<_> = report
        .results
        .iter()
        .filter_map(|r| match &r.status {
            Status::Failed { message } => Some((r, message)),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(out, "## Failures\n");
        for (result, message) in failures {
            let _ = writeln!(
                out,
                "### {}: {}\n",
                inline(&result.group),
                inline(&result.name)
            );
            out.push_str(&fenced(message));
            out.push('\n');
        }
    }

    let expected: Vec<_> = report
        .results
        .iter()
        .filter_map(|r| match &r.status {
            Status::ExpectedFailure { reason, message } => Some((r, reason, message)),
            _ => None,
        })
        .collect();
    if !expected.is_empty() {
        let _ = writeln!(out, "## Expected failures (known deviations)\n");
        for (result, reason, message) in expected {
            let _ = writeln!(
                out,
                "### {}: {}\n\nDeviation: {}\n",
                inline(&result.group),
                inline(&result.name),
                inline(reason)
            );
            out.push_str(&fenced(message));
            out.push('\n');
        }
    }

    let mut listed = |title: &str, pick: &dyn Fn(&Status) -> Option<String>| {
        let rows: Vec<String> = report
            .results
            .iter()
            .filter_map(|r| {
                pick(&r.status).map(|why| {
                    format!(
                        "| {} | {} | {} |",
                        cell(&r.group),
                        cell(&r.name),
                        cell(&why)
                    )
                })
            })
            .collect();
        if !rows.is_empty() {
            let _ = writeln!(
                out,
                "## {title}\n\n| Group | Case | Why |\n| --- | --- | --- |"
            );
            for row in rows {
                let _ = writeln!(out, "{row}");
            }
            out.push('\n');
        }
    };
    listed(
        "Unexpected passes (stale deviation entries)",
        &|s| match s {
            Status::UnexpectedPass { reason } => Some(format!("listed as: {reason}")),
            _ => None,
        },
    );
    listed("Skipped", &|s| match s {
        Status::Skipped { reason } => Some(reason.clone()),
        _ => None,
    });

    let _ = writeln!(out, "## Every case\n\n| Kind | Group | Case | Result | Seconds |\n| --- | --- | --- | --- | ---: |");
    for result in &report.results {
        let status = match &result.status {
            Status::Passed => "passed",
            Status::Failed { .. } => "**failed**",
            Status::Skipped { .. } => "skipped",
            Status::ExpectedFailure { .. } => "expected failure",
            Status::UnexpectedPass { .. } => "unexpected pass",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {status} | {} |",
            kind_name(result.kind),
            cell(&result.group),
            cell(&result.name),
            seconds(result.duration)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn the_report_has_a_summary_table_and_sections_for_non_passes() {
        let text = sample::report().markdown();
        assert!(
            text.starts_with("# Conformance report: truora-validations\n"),
            "{text}"
        );
        assert!(
            text.contains("| Verdict | **failed** (1 failing) |"),
            "{text}"
        );
        assert!(
            text.contains("| Scenarios | Face enrollments | 1 | 1 | 0 | 0 | 0 |"),
            "{text}"
        );
        assert!(
            text.contains("| Scenarios | Upload links | 0 | 0 | 1 | 1 | 0 |"),
            "{text}"
        );
        assert!(
            text.contains("| Properties | Enrollment forms | 0 | 0 | 0 | 0 | 1 |"),
            "{text}"
        );
        assert!(
            text.contains("| **Total** | | **1** | **1** | **1** | **1** | **1** |"),
            "{text}"
        );
        assert!(
            text.contains("## Failures\n\n### Face enrollments: A &lt;second&gt; enrollment &amp;"),
            "{text}"
        );
        assert!(
            text.contains("```text\nStep \"Then the request is refused with status 409\""),
            "{text}"
        );
        assert!(text.contains("Deviation: the sandbox accepts it"), "{text}");
        assert!(
            text.contains(
                "| Upload links | An upload link expires after an hour | needs a control API"
            ),
            "{text}"
        );
        assert!(text.contains("| Scenarios | Face enrollments | A &lt;second&gt; enrollment &amp; \"conflict\" \\| pipe | **failed** | 1.500 |"), "{text}");
        assert!(
            text.contains("| Started | 2023-11-14T22:13:20Z |"),
            "{text}"
        );
    }

    #[test]
    fn cells_and_fences_cannot_be_broken_by_their_text() {
        assert_eq!(cell("a|b\nc<d>"), "a\\|b c&lt;d&gt;");
        assert_eq!(fenced("x ``` y"), "````text\nx ``` y\n````\n");
    }
}
