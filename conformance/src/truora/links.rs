//! Changes a pre-signed link the way a forger would: another signature, a later expiry, or a
//! missing parameter. The parameters are found by name (`Signature`, `Expires`, in any case,
//! also as part of a longer name such as `X-Amz-Signature`).

/// One change to a pre-signed link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The signature replaced by another of the same length.
    ForgedSignature,
    /// The signature removed.
    NoSignature,
    /// The expiry moved one day later.
    PostponedExpiry,
    /// The expiry removed.
    NoExpiry,
}

impl Change {
    /// The change a step names (`a forged signature`, `no signature`, …).
    pub fn parse(text: &str) -> Change {
        match text {
            "a forged signature" => Change::ForgedSignature,
            "no signature" => Change::NoSignature,
            "a postponed expiry" => Change::PostponedExpiry,
            "no expiry" => Change::NoExpiry,
            other => panic!("unknown link change {other:?}"),
        }
    }
}

/// `link` with `change` applied; an error when the link has no such parameter.
pub fn change_link(link: &str, change: Change) -> Result<String, String> {
    let (base, query) = link
        .split_once('?')
        .ok_or_else(|| format!("the link has no query parameters to change: {link}"))?;
    let wanted = match change {
        Change::ForgedSignature | Change::NoSignature => "signature",
        Change::PostponedExpiry | Change::NoExpiry => "expires",
    };
    let mut found = false;
    let mut pairs = Vec::new();
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if found || !name.to_ascii_lowercase().contains(wanted) {
            pairs.push(pair.to_string());
            continue;
        }
        found = true;
        match change {
            Change::NoSignature | Change::NoExpiry => {}
            Change::ForgedSignature => {
                let forged: String = value
                    .chars()
                    .map(|c| if c == '0' { '1' } else { '0' })
                    .collect();
                pairs.push(format!("{name}={forged}"));
            }
            Change::PostponedExpiry => {
                let expires: i64 = value
                    .parse()
                    .map_err(|_| format!("{name}={value} is not unix seconds: {link}"))?;
                pairs.push(format!("{name}={}", expires + 86_400));
            }
        }
    }
    if !found {
        return Err(format!("the link has no {wanted} parameter: {link}"));
    }
    Ok(if pairs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", pairs.join("&"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "http://h/v1/uploads/UPL1?Expires=1700000000&Signature=ab01";

    #[test]
    fn signatures_are_forged_or_removed() {
        assert_eq!(
            change_link(LINK, Change::ForgedSignature).unwrap(),
            "http://h/v1/uploads/UPL1?Expires=1700000000&Signature=0010"
        );
        assert_eq!(
            change_link(LINK, Change::NoSignature).unwrap(),
            "http://h/v1/uploads/UPL1?Expires=1700000000"
        );
    }

    #[test]
    fn expiries_are_postponed_or_removed() {
        assert_eq!(
            change_link(LINK, Change::PostponedExpiry).unwrap(),
            "http://h/v1/uploads/UPL1?Expires=1700086400&Signature=ab01"
        );
        assert_eq!(
            change_link(LINK, Change::NoExpiry).unwrap(),
            "http://h/v1/uploads/UPL1?Signature=ab01"
        );
    }

    #[test]
    fn other_vendors_parameter_names_are_found() {
        let s3 = "https://b.s3/k?X-Amz-Expires=900&X-Amz-Signature=ff";
        assert_eq!(
            change_link(s3, Change::NoSignature).unwrap(),
            "https://b.s3/k?X-Amz-Expires=900"
        );
    }

    #[test]
    fn a_link_without_the_parameter_is_an_error() {
        assert!(change_link("http://h/x", Change::NoSignature).is_err());
        let error = change_link("http://h/x?a=1", Change::PostponedExpiry).unwrap_err();
        assert!(error.contains("no expires parameter"), "{error}");
        assert!(change_link("http://h/x?Expires=soon", Change::PostponedExpiry).is_err());
    }
}
