//! Face authentication over real sockets: the documented flows end to end, as an integrator's
//! code sees them.

mod common;

use common::*;
use facesim::media::FixtureFormat;
use reqwest::Method;
use serde_json::{json, Value};

fn id(body: &Value) -> &str {
    str_at(body, "/id")
}

#[tokio::test]
async fn an_approved_authentication_from_creation_to_checks_completed() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, Some("ext_customer_42")).await;
    assert!(str_at(&applicant, "/id").starts_with("aplt_"));
    assert_eq!(
        str_at(&applicant, "/_links/self/href"),
        sim.cko_url(&format!("/applicants/{}", id(&applicant)))
    );
    let fa = sim.cko_face_authentication(CKO_KEY, id(&applicant)).await;
    let fa_id = id(&fa).to_string();
    assert_eq!(status_of(&fa), "created");
    assert_eq!(fa["response_codes"], json!([]));
    assert_eq!(fa["risk_labels"], json!([]));
    assert_eq!(fa["user_journey_id"], json!(JOURNEY));
    assert!(fa.get("face").is_none(), "no face before a capture: {fa}");
    assert_eq!(
        str_at(&fa, "/_links/applicant/href"),
        str_at(&applicant, "/_links/self/href")
    );

    let attempt = sim.cko_attempt(CKO_KEY, &fa_id).await;
    let attempt_id = id(&attempt).to_string();
    assert_eq!(status_of(&attempt), "pending_redirection");
    assert_eq!(attempt["redirect_url"], json!(REDIRECT));
    let verification = str_at(&attempt, "/_links/verification_url/href");
    assert!(
        verification.starts_with(&sim.cko_url("/hosted/")),
        "{verification}"
    );
    assert_eq!(status_of(&sim.cko_fa(CKO_KEY, &fa_id).await), "pending");

    let opened = sim
        .send(
            sim.http
                .post(sim.url(&format!("/_facesim/checkout/attempts/{attempt_id}")))
                .header(
                    "User-Agent",
                    "Mozilla/5.0 (Linux; Android 14) Mobile Safari",
                )
                .json(&json!({"action": "open"})),
        )
        .await
        .ok();
    assert_eq!(status_of(&opened), "capture_in_progress");
    assert_eq!(
        opened["applicant_session_information"]["ip_address"],
        json!("127.0.0.1")
    );
    assert_eq!(
        opened["applicant_session_information"]["initial_device"],
        json!("mobile")
    );
    assert_eq!(
        opened["applicant_session_information"]["number_of_sessions"],
        json!(1)
    );
    assert_eq!(
        status_of(&sim.cko_fa(CKO_KEY, &fa_id).await),
        "capture_in_progress"
    );

    let captured = sim.cko_act(&attempt_id, json!({"action": "approve"})).await;
    assert_eq!(status_of(&captured), "checks_in_progress");
    assert_eq!(
        status_of(&sim.cko_fa(CKO_KEY, &fa_id).await),
        "checks_in_progress"
    );

    sim.advance(1.0).await;
    let done = sim.cko_fa(CKO_KEY, &fa_id).await;
    assert_eq!(status_of(&done), "approved");
    assert_eq!(
        done["response_codes"],
        json!([{"code": 10000, "summary": "approved"}])
    );
    let image = str_at(&done, "/face/image_signed_url");
    let fetched = sim.fetch(image).await;
    assert_eq!(fetched.status, 200, "{}", fetched.text());
    assert_eq!(fetched.content_type(), "image/jpeg");

    let attempt = sim
        .cko_get(&format!(
            "/face-authentications/{fa_id}/attempts/{attempt_id}"
        ))
        .await
        .cko_ok(200);
    assert_eq!(status_of(&attempt), "completed");
    assert_eq!(codes_of(&attempt), [10000]);
    assert_eq!(
        attempt["_links"]["self"]["href"],
        json!(sim.cko_url(&format!(
            "/face-authentications/{fa_id}/attempts/{attempt_id}"
        )))
    );
    assert!(
        sim.app.strict.checked() >= 8,
        "strict mode checked the answers against the document"
    );
}

#[tokio::test]
async fn a_selfie_is_matched_against_the_reference_picture() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let applicant_id = id(&applicant).to_string();
    let set = sim
        .send(
            sim.http
                .put(sim.url(&format!(
                    "/_facesim/checkout/applicants/{applicant_id}/reference"
                )))
                .header("Content-Type", "image/png")
                .body(reference("alice")),
        )
        .await
        .ok();
    assert_eq!(set["reference"]["subject"], json!("alice"));

    for (marker, expected, codes) in [
        ("subject=alice", "approved", vec![10000]),
        ("subject=mallory", "declined", vec![62321]),
        ("subject=alice;liveness=spoof", "declined", vec![62305]),
        ("face=none", "retry_required", vec![61410]),
    ] {
        let fa = sim.cko_face_authentication(CKO_KEY, &applicant_id).await;
        let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
        let picture = selfie(marker);
        let answer = sim.cko_selfie(id(&attempt), &picture).await.ok();
        assert_eq!(status_of(&answer), "checks_in_progress", "{marker}");
        sim.advance(1.0).await;
        let done = sim.cko_fa(CKO_KEY, id(&fa)).await;
        assert_eq!(
            (status_of(&done), codes_of(&done)),
            (expected, codes),
            "{marker}"
        );
        let image = sim.fetch(str_at(&done, "/face/image_signed_url")).await;
        assert_eq!(
            image.bytes.as_ref(),
            picture.as_slice(),
            "the selfie is served as sent"
        );
    }
}

#[tokio::test]
async fn the_sandbox_convention_drives_retries_and_outcomes() {
    let sim = Sim::start().await;
    let fa = sim
        .cko_fresh(CKO_KEY, Some("eaplt_61411I10000000000000000000"))
        .await;
    let fa_id = id(&fa).to_string();
    let first = sim.cko_attempt(CKO_KEY, &fa_id).await;
    let opened = sim.cko_act(id(&first), json!({"action": "open"})).await;
    assert_eq!(
        status_of(&opened),
        "checks_in_progress",
        "opening completes the capture"
    );
    sim.advance(1.0).await;
    let fa = sim.cko_fa(CKO_KEY, &fa_id).await;
    assert_eq!(
        (status_of(&fa), codes_of(&fa)),
        ("retry_required", vec![61411])
    );
    let second = sim.cko_attempt(CKO_KEY, &fa_id).await;
    sim.cko_act(id(&second), json!({"action": "open"})).await;
    sim.advance(1.0).await;
    let fa = sim.cko_fa(CKO_KEY, &fa_id).await;
    assert_eq!((status_of(&fa), codes_of(&fa)), ("approved", vec![10000]));

    let list = sim
        .cko_get(&format!("/face-authentications/{fa_id}/attempts"))
        .await
        .cko_ok(200);
    assert_eq!(list["total_count"], json!(2));
    let statuses: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(status_of)
        .collect();
    assert_eq!(
        statuses,
        ["completed", "checks_inconclusive"],
        "newest first"
    );
    let refused = sim
        .cko_fresh(CKO_KEY, Some("eaplt_63001000000000000000000000"))
        .await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&refused)).await;
    let answer = sim.cko_act(id(&attempt), json!({"action": "open"})).await;
    assert_eq!(
        (status_of(&answer), codes_of(&answer)),
        ("capture_refused", vec![63001])
    );
    assert_eq!(
        status_of(&sim.cko_fa(CKO_KEY, id(&refused)).await),
        "refused"
    );
}

#[tokio::test]
async fn new_attempts_follow_the_409_rule() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let fa_id = id(&fa).to_string();
    let first = sim.cko_attempt(CKO_KEY, &fa_id).await;
    let second = sim.cko_attempt(CKO_KEY, &fa_id).await;
    let first = sim
        .cko_get(&format!(
            "/face-authentications/{fa_id}/attempts/{}",
            id(&first)
        ))
        .await
        .cko_ok(200);
    assert_eq!(
        (status_of(&first), codes_of(&first)),
        ("expired", vec![64001])
    );
    sim.cko_act(id(&second), json!({"action": "approve"})).await;
    sim.cko_create_attempt(CKO_KEY, &fa_id).await.cko_error(
        409,
        "conflict",
        &["face_authentication_status_checks_in_progress"],
    );
    sim.advance(1.0).await;
    sim.cko_create_attempt(CKO_KEY, &fa_id).await.cko_error(
        409,
        "conflict",
        &["face_authentication_status_approved"],
    );
}

#[tokio::test]
async fn never_opened_links_expire_in_virtual_time() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
    sim.advance(899.0).await;
    assert_eq!(status_of(&sim.cko_fa(CKO_KEY, id(&fa)).await), "pending");
    sim.advance(1.0).await;
    let expired = sim.cko_fa(CKO_KEY, id(&fa)).await;
    assert_eq!(
        (status_of(&expired), codes_of(&expired)),
        ("retry_required", vec![61101])
    );
    sim.cko_control(id(&attempt), &json!({"action": "open"}))
        .await
        .control_error(409, "conflict", "expired");
}

#[tokio::test]
async fn pages_of_attempts_link_to_their_neighbours() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let fa_id = id(&fa).to_string();
    let mut created = Vec::new();
    for _ in 0..5 {
        created.push(id(&sim.cko_attempt(CKO_KEY, &fa_id).await).to_string());
    }
    let base = sim.cko_url(&format!("/face-authentications/{fa_id}/attempts"));
    let page = sim
        .cko_get(&format!(
            "/face-authentications/{fa_id}/attempts?skip=2&limit=2"
        ))
        .await
        .cko_ok(200);
    assert_eq!(
        (
            page["total_count"].clone(),
            page["skip"].clone(),
            page["limit"].clone()
        ),
        (json!(5), json!(2), json!(2))
    );
    let ids: Vec<&str> = page["data"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [created[2].as_str(), created[1].as_str()]);
    assert_eq!(
        page["_links"]["self"]["href"],
        json!(format!("{base}?skip=2&limit=2"))
    );
    assert_eq!(
        page["_links"]["next"]["href"],
        json!(format!("{base}?skip=4&limit=2"))
    );
    assert_eq!(
        page["_links"]["previous"]["href"],
        json!(format!("{base}?skip=0&limit=2"))
    );
    let first = sim
        .cko_get(&format!("/face-authentications/{fa_id}/attempts"))
        .await
        .cko_ok(200);
    assert_eq!(first["limit"], json!(10));
    assert_eq!(first["data"].as_array().unwrap().len(), 5);
    assert!(
        first["_links"].get("next").is_none() && first["_links"].get("previous").is_none(),
        "{first}"
    );
    let next = first["_links"]["self"]["href"].as_str().unwrap();
    assert_eq!(
        sim.send(sim.http.get(next).bearer_auth(CKO_KEY))
            .await
            .cko_ok(200)["total_count"],
        json!(5)
    );
    let beyond = sim
        .cko_get(&format!(
            "/face-authentications/{fa_id}/attempts?skip=10&limit=3"
        ))
        .await
        .cko_ok(200);
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(
        beyond["_links"]["previous"]["href"],
        json!(format!("{base}?skip=7&limit=3"))
    );
    for query in ["limit=0", "limit=101", "skip=-1", "skip=x", "limit=1.5"] {
        let field = query.split('=').next().unwrap();
        sim.cko_get(&format!("/face-authentications/{fa_id}/attempts?{query}"))
            .await
            .cko_error(422, "request_invalid", &[&format!("{field}_invalid")]);
    }
    sim.cko_get(&format!(
        "/face-authentications/{fa_id}/attempts?skip=-1&limit=0"
    ))
    .await
    .cko_error(422, "request_invalid", &["skip_invalid", "limit_invalid"]);
}

#[tokio::test]
async fn assets_list_the_video_only_for_accounts_with_videos() {
    let sim = Sim::start().await;
    for (key, expected) in [
        (CKO_KEY, vec!["face_image"]),
        (CKO_VIDEO_KEY, vec!["face_image", "face_video"]),
    ] {
        let fa = sim.cko_fresh(key, None).await;
        let attempt = sim.cko_attempt(key, id(&fa)).await;
        let path = format!(
            "/face-authentications/{}/attempts/{}/assets",
            id(&fa),
            id(&attempt)
        );
        let empty = sim
            .cko(Method::GET, &path, Some(key), None)
            .await
            .cko_ok(200);
        assert_eq!(
            (empty["total_count"].clone(), empty["data"].clone()),
            (json!(0), json!([]))
        );
        sim.cko_act(id(&attempt), json!({"action": "decline", "code": 62306}))
            .await;
        let assets = sim
            .cko(Method::GET, &path, Some(key), None)
            .await
            .cko_ok(200);
        let kinds: Vec<&str> = assets["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["type"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, expected, "{key}");
        let mut mimes = Vec::new();
        for asset in assets["data"].as_array().unwrap() {
            let file = sim.fetch(str_at(asset, "/_links/asset_url/href")).await;
            assert_eq!(file.status, 200);
            mimes.push(file.content_type().to_string());
        }
        assert_eq!(mimes[0], "image/jpeg");
        if mimes.len() == 2 {
            assert_eq!(mimes[1], "video/mp4");
        }
        let one = sim
            .cko(
                Method::GET,
                &format!("{path}?limit=1&skip=1"),
                Some(key),
                None,
            )
            .await
            .cko_ok(200);
        assert_eq!(one["data"].as_array().unwrap().len(), expected.len() - 1);
    }
}

#[tokio::test]
async fn asset_links_are_signed_and_expire() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
    let picture = media("subject=zoe", FixtureFormat::Png, 4);
    sim.cko_selfie(id(&attempt), &picture).await.ok();
    let fa = sim.cko_fa(CKO_KEY, id(&fa)).await;
    let link = str_at(&fa, "/face/image_signed_url").to_string();
    sim.assert_downloads(&link, &picture).await;
    let unsigned = with_param(&link, "signature", None);
    sim.fetch(&unsigned)
        .await
        .cko_error(403, "access_denied", &["signature_required"]);
    let forged = with_param(&link, "signature", Some("00ff"));
    sim.fetch(&forged)
        .await
        .cko_error(403, "access_denied", &["signature_invalid"]);
    let later = with_param(&link, "expires", Some("99999999999"));
    sim.fetch(&later)
        .await
        .cko_error(403, "access_denied", &["signature_invalid"]);
    sim.advance(901.0).await;
    sim.fetch(&link)
        .await
        .cko_error(403, "access_denied", &["signature_expired"]);
    let fresh = sim.cko_fa(CKO_KEY, str_at(&fa, "/id")).await;
    sim.assert_downloads(str_at(&fresh, "/face/image_signed_url"), &picture)
        .await;
}

#[tokio::test]
async fn anonymizing_drops_personal_data() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant(CKO_KEY, Some("ext_keep_me")).await;
    let fa = sim.cko_face_authentication(CKO_KEY, id(&applicant)).await;
    let fa_id = id(&fa).to_string();
    let body = json!({"redirect_url": REDIRECT, "phone_number": {"country_code": "+44", "number": "7700900123"}, "client_information": {"pre_selected_residence_country": "GB", "pre_selected_language": "en-GB"}});
    let attempt = sim
        .cko_post(&format!("/face-authentications/{fa_id}/attempts"), &body)
        .await
        .cko_ok(201);
    assert_eq!(attempt["phone_number"], body["phone_number"]);
    assert_eq!(attempt["client_information"], body["client_information"]);
    let attempt_id = id(&attempt).to_string();
    sim.cko_act(&attempt_id, json!({"action": "open"})).await;
    sim.cko_post(
        &format!("/face-authentications/{fa_id}/anonymize"),
        &json!({}),
    )
    .await
    .cko_error(
        422,
        "request_invalid",
        &["face_authentication_not_anonymizable"],
    );
    sim.cko_act(&attempt_id, json!({"action": "approve"})).await;
    sim.advance(1.0).await;
    let before = sim.cko_fa(CKO_KEY, &fa_id).await;
    let image = str_at(&before, "/face/image_signed_url").to_string();

    let anonymized = sim
        .cko(
            Method::POST,
            &format!("/face-authentications/{fa_id}/anonymize"),
            Some(CKO_KEY),
            None,
        )
        .await
        .cko_ok(200);
    assert_eq!(status_of(&anonymized), "approved");
    assert!(anonymized.get("face").is_none(), "{anonymized}");
    let attempt = sim
        .cko_get(&format!(
            "/face-authentications/{fa_id}/attempts/{attempt_id}"
        ))
        .await
        .cko_ok(200);
    assert!(
        attempt.get("phone_number").is_none()
            && attempt.get("applicant_session_information").is_none(),
        "{attempt}"
    );
    assert_eq!(attempt["client_information"], body["client_information"]);
    let assets = sim
        .cko_get(&format!(
            "/face-authentications/{fa_id}/attempts/{attempt_id}/assets"
        ))
        .await
        .cko_ok(200);
    assert_eq!(assets["total_count"], json!(0));
    sim.fetch(&image)
        .await
        .cko_error(404, "resource_not_found", &["asset_not_found"]);
    sim.cko_post(
        &format!("/face-authentications/{fa_id}/anonymize"),
        &json!({}),
    )
    .await
    .cko_ok(200);

    let anonymized = sim
        .cko_post(
            &format!("/applicants/{}/anonymize", id(&applicant)),
            &json!({}),
        )
        .await
        .cko_ok(200);
    assert_eq!(anonymized["external_applicant_id"], json!("ext_keep_me"));
    assert!(
        anonymized.get("email").is_none() && anonymized.get("external_applicant_name").is_none()
    );
    let fetched = sim
        .cko_get(&format!("/applicants/{}", id(&applicant)))
        .await
        .cko_ok(200);
    assert_eq!(fetched, anonymized);
}

#[tokio::test]
async fn applicants_are_updated_field_by_field() {
    let sim = Sim::start().await;
    let applicant = sim.cko_applicant_with(CKO_KEY, json!({})).await;
    assert_eq!(
        applicant.as_object().unwrap().len(),
        4,
        "id, created_on, modified_on, _links: {applicant}"
    );
    let path = format!("/applicants/{}", id(&applicant));
    let patched = sim
        .cko(
            Method::PATCH,
            &path,
            Some(CKO_KEY),
            Some(&json!({"email": "new@example.org"})),
        )
        .await
        .cko_ok(200);
    assert_eq!(patched["email"], json!("new@example.org"));
    let patched = sim
        .cko(Method::PATCH, &path, Some(CKO_KEY), Some(&json!({"external_applicant_name": "Ana", "email": null, "external_applicant_id": "ext_ignored"})))
        .await
        .cko_ok(200);
    assert_eq!(
        patched["email"],
        json!("new@example.org"),
        "null keeps the value"
    );
    assert_eq!(patched["external_applicant_name"], json!("Ana"));
    assert!(patched.get("external_applicant_id").is_none());
    let empty = sim
        .send(
            sim.http
                .post(sim.cko_url("/applicants"))
                .bearer_auth(CKO_KEY),
        )
        .await;
    assert_eq!(
        empty.cko_ok(201)["id"]
            .as_str()
            .map(|i| i.starts_with("aplt_")),
        Some(true)
    );
}

#[tokio::test]
async fn audits_and_retries_up_to_inconclusive() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let fa_id = id(&fa).to_string();
    for (n, code) in [61121, 61203, 61413].into_iter().enumerate() {
        let attempt = sim.cko_attempt(CKO_KEY, &fa_id).await;
        let aborted = sim
            .cko_act(id(&attempt), json!({"action": "abort", "code": code}))
            .await;
        assert_eq!(
            (status_of(&aborted), codes_of(&aborted)),
            ("capture_aborted", vec![code])
        );
        let fa = sim.cko_fa(CKO_KEY, &fa_id).await;
        let expected = if n == 2 {
            "inconclusive"
        } else {
            "retry_required"
        };
        assert_eq!((status_of(&fa), codes_of(&fa)), (expected, vec![code]));
    }
    let audit = |body: Value| {
        sim.send(
            sim.http
                .post(sim.url(&format!(
                    "/_facesim/checkout/face-authentications/{fa_id}/audit"
                )))
                .json(&body),
        )
    };
    let audited = audit(json!({"status": "approved"})).await.ok();
    assert_eq!(
        (status_of(&audited), codes_of(&audited)),
        ("approved", vec![10000])
    );
    let audited = audit(json!({"status": "declined", "code": 62402}))
        .await
        .ok();
    assert_eq!(
        (status_of(&audited), codes_of(&audited)),
        ("declined", vec![62402])
    );
    audit(json!({"status": "declined", "code": 61411}))
        .await
        .control_error(422, "unprocessable_entity", "62xxx");
    audit(json!({"status": "maybe"}))
        .await
        .control_error(422, "unprocessable_entity", "status");
    let pending = sim.cko_fresh(CKO_KEY, None).await;
    sim.send(
        sim.http
            .post(sim.url(&format!(
                "/_facesim/checkout/face-authentications/{}/audit",
                id(&pending)
            )))
            .json(&json!({"status": "approved"})),
    )
    .await
    .control_error(409, "conflict", "created");
}

#[tokio::test]
async fn a_reset_forgets_every_resource() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let attempt = sim.cko_attempt(CKO_KEY, id(&fa)).await;
    let reset = sim.send(sim.http.post(sim.url("/_facesim/reset"))).await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    sim.cko_get(&format!("/face-authentications/{}", id(&fa)))
        .await
        .cko_error(
            404,
            "resource_not_found",
            &["face_authentication_not_found"],
        );
    sim.cko_control(id(&attempt), &json!({"action": "open"}))
        .await
        .control_error(404, "not_found", id(&attempt));
    let hosted = sim
        .fetch(str_at(&attempt, "/_links/verification_url/href"))
        .await;
    assert_eq!(hosted.status, 404, "the capture page is gone too");
}
