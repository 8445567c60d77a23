use super::*;

fn tenants(max: usize) -> Tenants {
    let mut config = Config::load(None).unwrap();
    config.isolation.max_namespaces = max;
    Tenants::new(&config)
}

#[test]
fn names_take_the_documented_characters_and_default_means_the_default_namespace() {
    assert_eq!(parse_name(b"ci-job_7.a:b"), Ok(Some("ci-job_7.a:b".into())));
    assert_eq!(parse_name(b"default"), Ok(None));
    assert_eq!(
        parse_name(&[b'a'; MAX_NAME_LEN]).unwrap().unwrap().len(),
        MAX_NAME_LEN
    );
    for bad in [
        &b""[..],
        b"has space",
        b"slash/",
        b"\xff",
        &[b'a'; MAX_NAME_LEN + 1],
    ] {
        let error = parse_name(bad).unwrap_err();
        assert!(error.0.contains("1 to 64 characters"), "{error}");
    }
}

#[test]
fn a_credential_names_its_namespace_or_is_hashed_when_it_cannot() {
    assert_eq!(name::for_credential("truora-sim-key"), "truora-sim-key");
    let hashed = name::for_credential("user with spaces");
    assert!(hashed.starts_with("key-") && hashed.len() == 20, "{hashed}");
    assert_eq!(hashed, name::for_credential("user with spaces"));
    assert_ne!(hashed, name::for_credential("user with spaces!"));
    assert!(name::for_credential("default").starts_with("key-"));
}

#[test]
fn each_name_gets_one_tenant_and_the_limit_counts_named_ones_only() {
    let tenants = tenants(2);
    let a = tenants.get_or_create(Some("a")).unwrap();
    assert!(Arc::ptr_eq(&a, &tenants.get_or_create(Some("a")).unwrap()));
    assert!(Arc::ptr_eq(
        &tenants.default_tenant(),
        &tenants.get_or_create(None).unwrap()
    ));
    tenants.get_or_create(Some("b")).unwrap();
    assert_eq!(
        tenants.get_or_create(Some("c")).map(|_| ()),
        Err(TooManyNamespaces(2))
    );
    let labels: Vec<String> = tenants
        .all()
        .iter()
        .map(|t| t.label().to_string())
        .collect();
    assert_eq!(labels, ["default", "a", "b"]);
    tenants.drop_tenant(&a);
    tenants.get_or_create(Some("c")).unwrap();
    tenants.reset_all();
    assert_eq!(tenants.all().len(), 1);
}

#[test]
fn clocks_are_per_namespace_and_dropping_one_resets_its_clock() {
    let tenants = tenants(4);
    let a = tenants.get_or_create(Some("a")).unwrap();
    a.clock.advance(chrono::Duration::seconds(3600));
    assert_eq!(
        tenants.default_tenant().clock.offset(),
        chrono::Duration::zero()
    );
    tenants.drop_tenant(&a);
    assert_eq!(a.clock.offset(), chrono::Duration::zero());
    assert!(!Arc::ptr_eq(&a, &tenants.get_or_create(Some("a")).unwrap()));
}

#[tokio::test]
async fn the_current_tenant_is_the_scoped_one_and_the_default_outside() {
    let tenants = tenants(4);
    let a = tenants.get_or_create(Some("a")).unwrap();
    assert!(tenants.current().name.is_none());
    let inside = Tenants::scope(a.clone(), async { tenants.current() }).await;
    assert!(Arc::ptr_eq(&inside, &a));
    let within = Tenants::within(a.clone(), || tenants.current());
    assert!(Arc::ptr_eq(&within, &a));
    assert!(tenants.current().name.is_none());
}
