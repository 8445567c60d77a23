//! Face authentication over real sockets: authentication and every kind of bad input get the
//! platform's error answers, each with its `Cko-Request-Id`.

mod common;

use common::*;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde_json::{json, Value};

fn id(body: &Value) -> &str {
    str_at(body, "/id")
}

#[tokio::test]
async fn requests_need_a_known_bearer_key() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let path = format!("/applicants/{}", id(&applicant));
    sim.cko(Method::GET, &path, None, None)
        .await
        .cko_unauthorized();
    sim.cko(
        Method::GET,
        &path,
        Some("sk_sbox_unknownunknownunknownunknowna"),
        None,
    )
    .await
    .cko_unauthorized();
    for header in [
        format!("Basic {CKO_KEY}"),
        CKO_KEY.to_string(),
        "Bearer".to_string(),
        "Bearer ".to_string(),
    ] {
        let request = sim
            .http
            .get(sim.cko_url(&path))
            .header(AUTHORIZATION, header.clone());
        sim.send(request).await.cko_unauthorized();
    }
    let lower = sim
        .http
        .get(sim.cko_url(&path))
        .header(AUTHORIZATION, format!("bearer {CKO_KEY}"));
    sim.send(lower).await.cko_ok(200);
    sim.cko(Method::POST, "/applicants", None, Some(&json!({})))
        .await
        .cko_unauthorized();
    sim.cko(
        Method::POST,
        "/applicants",
        Some("x"),
        Some(&json!({"email": "bad"})),
    )
    .await
    .cko_unauthorized();
}

#[tokio::test]
async fn another_accounts_resources_are_not_found() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let fa = sim.cko_face_authentication(CKO_KEY, id(&applicant)).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
    let other = Some(CKO_VIDEO_KEY);
    let (a, f, t) = (id(&applicant), id(&fa), id(&attempt));
    sim.cko(Method::GET, &format!("/applicants/{a}"), other, None)
        .await
        .cko_error(404, "resource_not_found", &["applicant_not_found"]);
    sim.cko(
        Method::PATCH,
        &format!("/applicants/{a}"),
        other,
        Some(&json!({"email": "x@y.zz"})),
    )
    .await
    .cko_error(404, "resource_not_found", &["applicant_not_found"]);
    sim.cko(
        Method::POST,
        &format!("/applicants/{a}/anonymize"),
        other,
        None,
    )
    .await
    .cko_error(404, "resource_not_found", &["applicant_not_found"]);
    for (method, path) in [
        (Method::GET, format!("/face-authentications/{f}")),
        (Method::POST, format!("/face-authentications/{f}/anonymize")),
        (Method::GET, format!("/face-authentications/{f}/attempts")),
        (
            Method::GET,
            format!("/face-authentications/{f}/attempts/{t}"),
        ),
        (
            Method::GET,
            format!("/face-authentications/{f}/attempts/{t}/assets"),
        ),
    ] {
        sim.cko(method, &path, other, None).await.cko_error(
            404,
            "resource_not_found",
            &["face_authentication_not_found"],
        );
    }
    sim.cko(
        Method::POST,
        &format!("/face-authentications/{f}/attempts"),
        other,
        Some(&json!({"redirect_url": REDIRECT})),
    )
    .await
    .cko_error(
        404,
        "resource_not_found",
        &["face_authentication_not_found"],
    );
    let stolen = json!({"applicant_id": a, "user_journey_id": JOURNEY});
    sim.cko(Method::POST, "/face-authentications", other, Some(&stolen))
        .await
        .cko_error(422, "request_invalid", &["applicant_not_found"]);
    let own = sim.cko_fa(CKO_KEY, f).await;
    assert_eq!(status_of(&own), "pending", "untouched");
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_not_found() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let other_fa = sim.cko_fresh(CKO_KEY, None).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&other_fa)).await;
    let f = id(&fa);
    for applicant in [
        "aplt_unknownunknownunknownunk",
        "aplt_",
        "fav_x",
        "aplt_%FF%FE",
        "aplt_a%20b",
        "%00",
    ] {
        sim.cko_get(&format!("/applicants/{applicant}"))
            .await
            .cko_error(404, "resource_not_found", &["applicant_not_found"]);
    }
    for fav in [
        "fav_unknown",
        "fav_",
        "aplt_x",
        "fav_%E2%82%AC",
        &"f".repeat(3000),
    ] {
        sim.cko_get(&format!("/face-authentications/{fav}"))
            .await
            .cko_error(
                404,
                "resource_not_found",
                &["face_authentication_not_found"],
            );
    }
    for attempt_id in ["fatp_unknown", id(&attempt), "fatp_%2F"] {
        sim.cko_get(&format!("/face-authentications/{f}/attempts/{attempt_id}"))
            .await
            .cko_error(404, "resource_not_found", &["attempt_not_found"]);
        sim.cko_get(&format!(
            "/face-authentications/{f}/attempts/{attempt_id}/assets"
        ))
        .await
        .cko_error(404, "resource_not_found", &["attempt_not_found"]);
    }
    sim.cko_post("/face-authentications/fav_unknown/attempts", &json!({}))
        .await
        .cko_error(
            404,
            "resource_not_found",
            &["face_authentication_not_found"],
        );
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_400() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let paths = [
        "/applicants".to_string(),
        "/face-authentications".to_string(),
        format!("/face-authentications/{}/attempts", id(&fa)),
    ];
    for path in &paths {
        for body in [
            "{",
            "[1,2]",
            "\"text\"",
            "null",
            "42",
            "{\"a\":1}}",
            "\u{feff}{}",
        ] {
            sim.cko_post_raw(path, "application/json", body)
                .await
                .cko_error(400, "request_malformed", &["request_body_malformed"]);
        }
        sim.cko_post_raw(path, "application/json", vec![0xff, 0xfe, b'{', b'}'])
            .await
            .cko_error(400, "request_malformed", &["request_body_malformed"]);
        for content_type in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            sim.cko_post_raw(path, content_type, "{}").await.cko_error(
                400,
                "request_malformed",
                &["content_type_invalid"],
            );
        }
        let untyped = sim
            .http
            .post(sim.cko_url(path))
            .bearer_auth(CKO_KEY)
            .body("{}");
        sim.send(untyped)
            .await
            .cko_error(400, "request_malformed", &["content_type_invalid"]);
    }
    let patch = sim
        .http
        .patch(sim.cko_url(&format!("/applicants/{}", id(&applicant))))
        .bearer_auth(CKO_KEY)
        .header(CONTENT_TYPE, "application/json")
        .body("[]");
    sim.send(patch)
        .await
        .cko_error(400, "request_malformed", &["request_body_malformed"]);
    let charset = sim
        .cko_post_raw("/applicants", "application/json; charset=utf-8", "{}")
        .await;
    charset.cko_ok(201);
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let sim = Sim::start().await;
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(1024 * 1024));
    sim.cko_post_raw("/applicants", "application/json", big.clone())
        .await
        .cko_error(413, "request_too_large", &["request_body_too_large"]);
    let streamed = sim
        .http
        .post(sim.cko_url("/face-authentications"))
        .bearer_auth(CKO_KEY)
        .header(CONTENT_TYPE, "application/json")
        .body(chunked(2 * 1024 * 1024, 64 * 1024));
    sim.send(streamed)
        .await
        .cko_error(413, "request_too_large", &["request_body_too_large"]);
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    sim.cko_post_raw(
        &format!("/face-authentications/{}/anonymize", id(&fa)),
        "application/json",
        big,
    )
    .await
    .cko_error(413, "request_too_large", &["request_body_too_large"]);
    sim.cko_post("/applicants", &json!({})).await.cko_ok(201);
}

#[tokio::test]
async fn every_invalid_field_is_listed_in_field_order() {
    let sim = Sim::start().await;
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "/applicants",
            json!({"external_applicant_id": "customer-1"}),
            vec!["external_applicant_id_invalid"],
        ),
        (
            "/applicants",
            json!({"external_applicant_id": 5, "email": "no", "external_applicant_name": " "}),
            vec![
                "external_applicant_id_invalid",
                "email_invalid",
                "external_applicant_name_invalid",
            ],
        ),
        (
            "/applicants",
            json!({"external_applicant_name": "x".repeat(256)}),
            vec!["external_applicant_name_invalid"],
        ),
        (
            "/face-authentications",
            json!({}),
            vec!["applicant_id_required", "user_journey_id_required"],
        ),
        (
            "/face-authentications",
            json!({"applicant_id": "", "user_journey_id": null}),
            vec!["applicant_id_required", "user_journey_id_required"],
        ),
        (
            "/face-authentications",
            json!({"applicant_id": "idv_x", "user_journey_id": "usj_short"}),
            vec!["applicant_id_invalid", "user_journey_id_invalid"],
        ),
        (
            "/face-authentications",
            json!({"applicant_id": 12, "user_journey_id": JOURNEY}),
            vec!["applicant_id_invalid"],
        ),
        (
            "/face-authentications",
            json!({"applicant_id": "aplt_nobody", "user_journey_id": "usj_x"}),
            vec!["applicant_not_found", "user_journey_id_invalid"],
        ),
    ];
    for (path, body, codes) in cases {
        sim.cko_post(path, &body)
            .await
            .cko_error(422, "request_invalid", &codes);
    }
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let path = format!("/face-authentications/{}/attempts", id(&fa));
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({}), vec!["redirect_url_required"]),
        (
            json!({"redirect_url": "myapp://done"}),
            vec!["redirect_url_invalid"],
        ),
        (
            json!({"redirect_url": ["https://x.y"]}),
            vec!["redirect_url_invalid"],
        ),
        (
            json!({"redirect_url": format!("https://x.y/{}", "a".repeat(2048))}),
            vec!["redirect_url_invalid"],
        ),
        (
            json!({"redirect_url": REDIRECT, "client_information": {"pre_selected_residence_country": "France", "pre_selected_language": "en_US"}}),
            vec![
                "client_information.pre_selected_residence_country_invalid",
                "client_information.pre_selected_language_invalid",
            ],
        ),
        (
            json!({"redirect_url": REDIRECT, "client_information": 1}),
            vec!["client_information_invalid"],
        ),
        (
            json!({"redirect_url": REDIRECT, "phone_number": {"country_code": "33", "number": "06 12"}}),
            vec![
                "phone_number.country_code_invalid",
                "phone_number.number_invalid",
            ],
        ),
        (
            json!({"redirect_url": REDIRECT, "phone_number": {}}),
            vec![
                "phone_number.country_code_required",
                "phone_number.number_required",
            ],
        ),
        (
            json!({"phone_number": "+33612"}),
            vec!["redirect_url_required", "phone_number_invalid"],
        ),
    ];
    for (body, codes) in cases {
        sim.cko_post(&path, &body)
            .await
            .cko_error(422, "request_invalid", &codes);
    }
    let list = sim.cko_get(&path).await.cko_ok(200);
    assert_eq!(
        list["total_count"],
        json!(0),
        "no attempt was created by invalid requests"
    );
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    sim.cko(
        Method::PATCH,
        &format!("/applicants/{}", id(&applicant)),
        Some(CKO_KEY),
        Some(&json!({"email": "a@@b.c"})),
    )
    .await
    .cko_error(422, "request_invalid", &["email_invalid"]);
    let ok = sim
        .cko_post(&path, &json!({"redirect_url": REDIRECT, "unknown": {"deep": true}, "client_information": {"pre_selected_residence_country": null}}))
        .await
        .cko_ok(201);
    assert_eq!(ok["client_information"], json!({}));
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let sim = Sim::start().await;
    for path in [
        "/nope",
        "/applicants/a/b/c",
        "/face-authentications/fav_x/attempts/fatp_y/assets/z",
        "",
        "/",
    ] {
        let reply = sim.cko(Method::GET, path, Some(CKO_KEY), None).await;
        reply.cko_error(404, "resource_not_found", &["resource_not_found"]);
    }
    let unauthenticated = sim
        .send(sim.http.get(sim.cko_url("/identity-verifications")))
        .await;
    unauthenticated.cko_error(404, "resource_not_found", &["resource_not_found"]);
    for (method, path) in [
        (Method::DELETE, "/applicants/aplt_x"),
        (Method::GET, "/applicants"),
        (Method::PUT, "/face-authentications"),
        (Method::DELETE, "/face-authentications/fav_x/attempts"),
        (Method::GET, "/applicants/aplt_x/anonymize"),
    ] {
        sim.cko(method, path, Some(CKO_KEY), None).await.cko_error(
            405,
            "method_not_allowed",
            &["method_not_allowed"],
        );
    }
    let known = sim.send(sim.http.get(sim.url("/somewhere"))).await;
    assert_eq!(known.status, 404);
    assert!(known.json()["known_prefixes"]
        .as_array()
        .unwrap()
        .contains(&json!("/checkout")));
}

#[tokio::test]
async fn request_ids_are_unique_per_answer() {
    let sim = Sim::start().await;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..5 {
        let reply = sim.cko_post("/applicants", &json!({})).await;
        assert!(seen.insert(reply.request_id().to_string()));
        let reply = sim.cko_get("/applicants/aplt_none").await;
        assert!(seen.insert(reply.request_id().to_string()));
    }
    assert_eq!(seen.len(), 10);
}

#[tokio::test]
async fn method_names_are_read_without_regard_to_case() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let path = format!("/applicants/{}", id(&applicant));
    let lowercase = Method::from_bytes(b"patch").expect("a valid method token");
    let patched = sim
        .cko(
            lowercase,
            &path,
            Some(CKO_KEY),
            Some(&json!({"email": "lower@example.com"})),
        )
        .await
        .cko_ok(200);
    assert_eq!(patched["email"], "lower@example.com");
    let got = sim.cko_get(&path).await.cko_ok(200);
    assert_eq!(got["email"], "lower@example.com");
    let unknown = Method::from_bytes(b"brew").expect("a valid method token");
    sim.cko(unknown, &path, Some(CKO_KEY), None)
        .await
        .cko_error(405, "method_not_allowed", &["method_not_allowed"]);
}
