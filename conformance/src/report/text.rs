//! The summary printed on stdout.

use super::{kind_name, plural, RunReport, Tally};
use crate::outcome::Status;
use std::fmt::Write as _;

fn counts(tally: &Tally) -> String {
    let mut text = format!(
        "{} passed, {} failed, {} skipped",
        tally.passed, tally.failed, tally.skipped
    );
    if tally.expected_failures > 0 {
        let _ = write!(
            text,
            ", {} expected failure{}",
            tally.expected_failures,
            plural(tally.expected_failures)
        );
    }
    if tally.unexpected_passes > 0 {
        let _ = write!(
            text,
            ", {} unexpected pass{}",
            tally.unexpected_passes,
            if tally.unexpected_passes == 1 {
                ""
            } else {
                "es"
            }
        );
    }
    text
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|line| format!("{by}{line}\n")).collect()
}

/// Renders the summary.
pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "facesim-conformance: {} at {}",
        report.api, report.target
    );
    match &report.control {
        Some(control) => {
            let _ = writeln!(out, "control API: {control}");
        }
        None if report.api == crate::facesim_control::API => {
            let _ = writeln!(out, "control API: the target itself");
        }
        None => {
            let _ = writeln!(
                out,
                "control API: none (scenarios that move the clock are skipped)"
            );
        }
    }
    if let Some(namespace) = &report.namespace {
        let _ = writeln!(out, "namespace: {namespace}");
    }
    if let Some(tags) = &report.tags {
        let _ = writeln!(out, "tags: {tags} ({} left out)", report.filtered_out);
    }
    let groups = report.groups();
    let width = groups
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut kind = None;
    for group in &groups {
        if kind != Some(group.kind) {
            kind = Some(group.kind);
            let _ = writeln!(out, "\n{}", kind_name(group.kind));
        }
        let _ = writeln!(out, "  {:<width$}  {}", group.name, counts(&group.tally));
    }
    let totals = report.totals();
    let _ = writeln!(
        out,
        "\nTotal: {} in {:.1} s",
        counts(&totals),
        report.duration.as_secs_f64()
    );

    let section = |out: &mut String, title: &str, pick: &dyn Fn(&Status) -> Option<String>| {
        let mut lines = String::new();
        for result in &report.results {
            if let Some(detail) = pick(&result.status) {
                let _ = writeln!(lines, "\n  [{}] {}", result.group, result.name);
                lines.push_str(&indent(&detail, "    "));
            }
        }
        if !lines.is_empty() {
            let _ = write!(out, "\n{title}\n{lines}");
        }
    };
    section(&mut out, "Failures", &|status| match status {
        Status::Failed { message } => Some(message.clone()),
        _ => None,
    });
    section(
        &mut out,
        "Expected failures (known deviations)",
        &|status| match status {
            Status::ExpectedFailure { reason, message } => {
                Some(format!("deviation: {reason}\n{message}"))
            }
            _ => None,
        },
    );
    section(
        &mut out,
        "Unexpected passes (stale deviation entries)",
        &|status| match status {
            Status::UnexpectedPass { reason } => Some(format!("listed as: {reason}")),
            _ => None,
        },
    );
    section(&mut out, "Skipped", &|status| match status {
        Status::Skipped { reason } => Some(reason.clone()),
        _ => None,
    });
    if report.has_details() && !report.key_variables().is_empty() {
        let _ = writeln!(out, "\n{}", keys_note(report.key_variables()));
    }
    let _ = writeln!(out, "\n{}", report.verdict_line());
    out
}

/// How to run the curl commands of failures: "The curl commands read the keys from $A and
/// $B (the values of --a and --b)."
fn keys_note(variables: &[(&str, &str)]) -> String {
    let join = |items: Vec<&str>| match items.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let names = join(variables.iter().map(|(v, _)| *v).collect());
    let options = join(variables.iter().map(|(_, o)| *o).collect());
    format!("The curl commands read the keys from {names} (the values of {options}).")
}

#[cfg(test)]
mod tests {
    use crate::report::sample;

    #[test]
    fn the_keys_note_names_every_variable() {
        assert_eq!(
            super::keys_note(&[("$API_KEY", "--key"), ("$LIMITED_API_KEY", "--limited-key")]),
            "The curl commands read the keys from $API_KEY and $LIMITED_API_KEY (the values of --key and --limited-key)."
        );
        assert_eq!(
            super::keys_note(&[("$A", "--a"), ("$B", "--b"), ("$C", "--c")]),
            "The curl commands read the keys from $A, $B and $C (the values of --a, --b and --c)."
        );
    }

    #[test]
    fn the_summary_counts_groups_and_details_every_non_pass() {
        let text = sample::report().summary();
        assert!(
            text.contains("Scenarios\n  Face enrollments  1 passed, 1 failed, 0 skipped\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "  Upload links      0 passed, 0 failed, 1 skipped, 1 expected failure\n"
            ),
            "{text}"
        );
        assert!(text.contains("Properties\n  Enrollment forms  0 passed, 0 failed, 0 skipped, 1 unexpected pass\n"), "{text}");
        assert!(text.contains("Total: 1 passed, 1 failed, 1 skipped, 1 expected failure, 1 unexpected pass in 12.3 s"), "{text}");
        assert!(
            text.contains("Failures\n\n  [Face enrollments] A <second> enrollment"),
            "{text}"
        );
        assert!(
            text.contains("    Step \"Then the request is refused with status 409\""),
            "{text}"
        );
        assert!(
            text.contains("      reproduce: curl -sS -i -X POST"),
            "{text}"
        );
        assert!(text.contains("Skipped\n\n  [Upload links] An upload link expires after an hour\n    needs a control API"), "{text}");
        assert!(text.contains("control API: none"), "{text}");
        assert!(text.contains("read the keys from $API_KEY"), "{text}");
        assert!(text.trim_end().ends_with("FAILED: 1 case failed"), "{text}");
    }
}
