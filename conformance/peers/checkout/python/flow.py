#!/usr/bin/env python3
"""Drives facesim's Checkout.com face authentication with the official Python SDK (PyPI `checkout-sdk`).

Usage: flow.py ROOT_URL   (for example http://127.0.0.1:7700)

The SDK is pointed at `ROOT_URL/checkout/` through its public `Environment` (the `identity_uri` every identities
client uses). Everything the flow asserts on is what the SDK returns: `ResponseWrapper` attributes,
`http_metadata`, and `CheckoutApiException` fields. facesim's control API, which the SDK does not know, is called
with plain HTTP. The first failed check ends the run with exit code 1.
"""

import base64
import json
import logging
import os
import re
import sys
import urllib.error
import urllib.request

from checkout_sdk.checkout_sdk import CheckoutSdk
from checkout_sdk.environment import Environment
from checkout_sdk.exception import CheckoutApiException
from checkout_sdk.identities.applicants.applicants import CreateApplicantRequest, UpdateApplicantRequest
from checkout_sdk.identities.entities import AttemptAssetsQueryFilter, AttemptsQueryFilter, PhoneNumber
from checkout_sdk.identities.faceauthentication.faceauthentication import (
    ClientInformation,
    FaceAuthenticationAttemptRequest,
    FaceAuthenticationRequest,
)
from checkout_sdk.properties import VERSION

SECRET_KEY = 'sk_sbox_facesimsandboxsecretkeyaaaa'
# Well-formed (the SDK checks the shape) but unknown to facesim.
UNKNOWN_SECRET_KEY = 'sk_sbox_facesimunknownsecretkeyaaaa'
REDIRECT_URL = 'https://merchant.example/identity/return?flow=python'
TIMESTAMP = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')
LABEL = 'python'


class StepFailed(Exception):
    pass


class Flow:
    def __init__(self, root):
        self.root = root.rstrip('/')
        self.api = self.root + '/checkout'
        self.passed = 0
        self.step = None

    # ---- reporting -------------------------------------------------------------------------------------------

    def begin(self, step):
        self.step = step

    def ok(self, detail=''):
        self.passed += 1
        print(f'ok   {self.step}' + (f' ({detail})' if detail else ''), flush=True)

    def fail(self, what, expected, actual):
        raise StepFailed(f'{what}: expected {expected!r}, got {actual!r}')

    def eq(self, what, actual, expected):
        if actual != expected:
            self.fail(what, expected, actual)

    def match(self, what, actual, pattern):
        if not isinstance(actual, str) or not re.fullmatch(pattern, actual):
            self.fail(what, f'a string matching {pattern}', actual)

    def starts(self, what, actual, prefix):
        if not isinstance(actual, str) or not actual.startswith(prefix):
            self.fail(what, f'a string starting with {prefix}', actual)

    def field(self, obj, name, what):
        if not hasattr(obj, name):
            self.fail(what, f'the SDK response to have `{name}`', f'no `{name}` in {sorted(attrs(obj))}')
        return getattr(obj, name)

    def absent(self, obj, name, what):
        if getattr(obj, name, None) is not None:
            self.fail(what, f'no `{name}`', getattr(obj, name))

    def status(self, response, expected):
        metadata = self.field(response, 'http_metadata', 'the SDK response')
        self.eq('HTTP status in http_metadata', metadata.status_code, expected)
        request_id = metadata.headers.get('Cko-Request-Id')
        if not request_id:
            self.fail('Cko-Request-Id response header', 'a request id', request_id)

    def href(self, obj, link, what):
        links = self.field(obj, '_links', what)
        target = self.field(links, link, f'{what} _links')
        return self.field(target, 'href', f'{what} _links.{link}')

    def codes(self, obj, what):
        return [(c.code, c.summary) for c in self.field(obj, 'response_codes', what)]

    def api_error(self, call, status, error_type, error_codes):
        try:
            response = call()
        except CheckoutApiException as err:
            self.eq('CheckoutApiException.http_metadata.status_code', err.http_metadata.status_code, status)
            self.eq('CheckoutApiException.error_type', err.error_type, error_type)
            self.eq('CheckoutApiException.error_details', err.error_details, error_codes)
            header_id = err.http_metadata.headers.get('Cko-Request-Id')
            if not header_id:
                self.fail('Cko-Request-Id header of the error', 'a request id', header_id)
            self.eq('CheckoutApiException.request_id', err.request_id, header_id)
            return err
        self.fail('the SDK call', f'CheckoutApiException with HTTP {status}', response_dict(response))

    # ---- facesim control API (plain HTTP) -----------------------------------------------------------------------

    def control(self, path, body):
        request = urllib.request.Request(
            self.root + '/_facesim' + path,
            data=json.dumps(body).encode(),
            method='POST',
            headers={'Content-Type': 'application/json', 'Accept': 'application/json'},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b'null')
        except urllib.error.HTTPError as err:
            self.fail(f'POST /_facesim{path}', 'HTTP 200', f'HTTP {err.code}: {err.read()[:500]!r}')

    def fetch(self, url):
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                return answer.status, answer.headers.get('Content-Type', ''), answer.read()
        except urllib.error.HTTPError as err:
            self.fail(f'GET {url}', 'HTTP 200', f'HTTP {err.code}: {err.read()[:500]!r}')

    # ---- the flow ---------------------------------------------------------------------------------------------

    def run(self):
        environment = Environment(
            base_uri=self.api + '/',
            authorization_uri=self.api + '/connect/token',
            files_uri=self.api + '/',
            transfers_uri=self.api + '/',
            balances_uri=self.api + '/',
            forward_uri=self.api + '/',
            identity_uri=self.api + '/',
            is_sandbox=True,
        )

        def sdk(key):
            # The SDK insists on a merchant subdomain; it only rewrites the payments host, which this flow never calls.
            return CheckoutSdk.builder().secret_key(key).environment(environment).environment_subdomain('facesim').build()

        api = sdk(SECRET_KEY)
        applicants = api.applicants
        faces = api.face_authentication

        suffix = random_b32(12)
        external_id = f'ext_py_{suffix}'
        email = f'hannah.{suffix}@example.com'

        self.begin('create applicant')
        request = CreateApplicantRequest()
        request.external_applicant_id = external_id
        request.email = email
        request.external_applicant_name = 'Hannah Bret'
        applicant = applicants.create_applicant(request)
        self.status(applicant, 201)
        applicant_id = self.field(applicant, 'id', 'applicant')
        self.match('applicant id', applicant_id, r'aplt_[a-z2-7]{26}')
        self.eq('applicant email', self.field(applicant, 'email', 'applicant'), email)
        self.eq('applicant external_applicant_name', self.field(applicant, 'external_applicant_name', 'applicant'),
                'Hannah Bret')
        self.eq('applicant external_applicant_id', self.field(applicant, 'external_applicant_id', 'applicant'),
                external_id)
        self.match('applicant created_on', self.field(applicant, 'created_on', 'applicant'), TIMESTAMP.pattern)
        self.match('applicant modified_on', self.field(applicant, 'modified_on', 'applicant'), TIMESTAMP.pattern)
        self.eq('applicant _links.self', self.href(applicant, 'self', 'applicant'),
                f'{self.api}/applicants/{applicant_id}')
        self.ok(applicant_id)

        self.begin('get applicant')
        fetched = applicants.get_applicant(applicant_id)
        self.status(fetched, 200)
        self.eq('applicant id', fetched.id, applicant_id)
        self.eq('applicant email', self.field(fetched, 'email', 'applicant'), email)
        self.eq('applicant external_applicant_id', self.field(fetched, 'external_applicant_id', 'applicant'),
                external_id)
        self.eq('applicant created_on', fetched.created_on, applicant.created_on)
        self.ok()

        self.begin('update applicant')
        update = UpdateApplicantRequest()
        update.email = f'h.bret.{suffix}@example.com'
        update.external_applicant_name = 'Hannah B. Bret'
        updated = applicants.update_applicant(applicant_id, update)
        self.status(updated, 200)
        self.eq('applicant id', updated.id, applicant_id)
        self.eq('updated email', self.field(updated, 'email', 'applicant'), update.email)
        self.eq('updated external_applicant_name', self.field(updated, 'external_applicant_name', 'applicant'),
                'Hannah B. Bret')
        self.eq('external_applicant_id after update', self.field(updated, 'external_applicant_id', 'applicant'),
                external_id)
        self.ok()

        self.begin('create face authentication')
        journey = 'usj_' + random_b32(26)
        fa_request = FaceAuthenticationRequest()
        fa_request.applicant_id = applicant_id
        fa_request.user_journey_id = journey
        face = faces.create_face_authentication(fa_request)
        self.status(face, 201)
        fa_id = self.field(face, 'id', 'face authentication')
        self.match('face authentication id', fa_id, r'fav_[a-z2-7]{26}')
        self.eq('status', self.field(face, 'status', 'face authentication'), 'created')
        self.eq('applicant_id', self.field(face, 'applicant_id', 'face authentication'), applicant_id)
        self.eq('user_journey_id', self.field(face, 'user_journey_id', 'face authentication'), journey)
        self.eq('response_codes', self.field(face, 'response_codes', 'face authentication'), [])
        self.eq('risk_labels', self.field(face, 'risk_labels', 'face authentication'), [])
        self.match('created_on', self.field(face, 'created_on', 'face authentication'), TIMESTAMP.pattern)
        self.eq('_links.self', self.href(face, 'self', 'face authentication'), f'{self.api}/face-authentications/{fa_id}')
        self.eq('_links.applicant', self.href(face, 'applicant', 'face authentication'),
                f'{self.api}/applicants/{applicant_id}')
        self.ok(fa_id)

        self.begin('get face authentication (created)')
        got = faces.get_face_authentication(fa_id)
        self.status(got, 200)
        self.eq('id', got.id, fa_id)
        self.eq('status', got.status, 'created')
        self.eq('response_codes', got.response_codes, [])
        self.ok()

        self.begin('create attempt')
        attempt_request = FaceAuthenticationAttemptRequest()
        attempt_request.redirect_url = REDIRECT_URL
        client = ClientInformation()
        client.pre_selected_residence_country = 'FR'
        client.pre_selected_language = 'en-US'
        attempt_request.client_information = client
        phone = PhoneNumber()
        phone.country_code = '+33'
        phone.number = '612345678'
        attempt_request.phone_number = phone
        first = faces.create_face_authentication_attempt(fa_id, attempt_request)
        self.status(first, 201)
        first_id = self.field(first, 'id', 'attempt')
        self.match('attempt id', first_id, r'fatp_[a-z2-7]{26}')
        self.eq('attempt status', self.field(first, 'status', 'attempt'), 'pending_redirection')
        self.eq('attempt redirect_url', self.field(first, 'redirect_url', 'attempt'), REDIRECT_URL)
        self.eq('attempt response_codes', self.field(first, 'response_codes', 'attempt'), [])
        info = self.field(first, 'client_information', 'attempt')
        self.eq('client_information.pre_selected_residence_country',
                self.field(info, 'pre_selected_residence_country', 'client_information'), 'FR')
        self.eq('client_information.pre_selected_language',
                self.field(info, 'pre_selected_language', 'client_information'), 'en-US')
        echoed_phone = self.field(first, 'phone_number', 'attempt')
        self.eq('phone_number', (echoed_phone.country_code, echoed_phone.number), ('+33', '612345678'))
        self.starts('_links.verification_url', self.href(first, 'verification_url', 'attempt'),
                    f'{self.api}/hosted/')
        self.eq('attempt _links.self', self.href(first, 'self', 'attempt'),
                f'{self.api}/face-authentications/{fa_id}/attempts/{first_id}')
        self.ok(first_id)

        self.begin('get face authentication (pending)')
        got = faces.get_face_authentication(fa_id)
        self.eq('status', got.status, 'pending')
        self.eq('response_codes', got.response_codes, [])
        self.ok()

        self.begin('create a second attempt while pending (reset)')
        second_request = FaceAuthenticationAttemptRequest()
        second_request.redirect_url = REDIRECT_URL + '&try=2'
        second = faces.create_face_authentication_attempt(fa_id, second_request)
        self.status(second, 201)
        attempt_id = self.field(second, 'id', 'attempt')
        self.match('attempt id', attempt_id, r'fatp_[a-z2-7]{26}')
        if attempt_id == first_id:
            self.fail('second attempt id', f'an id other than {first_id}', attempt_id)
        self.eq('attempt status', second.status, 'pending_redirection')
        verification_url = self.href(second, 'verification_url', 'attempt')
        self.starts('_links.verification_url', verification_url, f'{self.api}/hosted/')
        if verification_url == self.href(first, 'verification_url', 'attempt'):
            self.fail('second verification_url', 'a new link', verification_url)
        self.ok(attempt_id)

        self.begin('get the replaced attempt (expired, 64001)')
        replaced = faces.get_face_authentication_attempt(fa_id, first_id)
        self.status(replaced, 200)
        self.eq('replaced attempt status', replaced.status, 'expired')
        self.eq('replaced attempt response_codes', self.codes(replaced, 'attempt'), [(64001, 'forcibly_closed')])
        got = faces.get_face_authentication(fa_id)
        self.eq('face authentication status after reset', got.status, 'pending')
        self.ok()

        self.begin('complete the attempt (control API: approve)')
        code, answer = self.control(f'/checkout/attempts/{attempt_id}', {'action': 'approve'})
        self.eq('control answer status', code, 200)
        self.eq('control answer id', answer.get('id'), attempt_id)
        self.eq('control answer attempt status', answer.get('status'), 'checks_in_progress')
        self.ok()

        self.begin('advance the virtual clock by 2 s')
        code, answer = self.control('/clock/advance', {'seconds': 2})
        self.eq('clock advance status', code, 200)
        self.ok(f"now {answer.get('now')}")

        self.begin('get face authentication (approved)')
        done = faces.get_face_authentication(fa_id)
        self.status(done, 200)
        self.eq('status', done.status, 'approved')
        self.eq('response_codes', self.codes(done, 'face authentication'), [(10000, 'approved')])
        self.eq('risk_labels', done.risk_labels, [])
        image_url = self.field(self.field(done, 'face', 'face authentication'), 'image_signed_url', 'face')
        self.starts('face.image_signed_url', image_url, f'{self.api}/assets/')
        self.ok()

        self.begin('list attempts (newest first, paged)')
        page_query = AttemptsQueryFilter()
        page_query.skip = 0
        page_query.limit = 1
        page = faces.get_face_authentication_attempts(fa_id, page_query)
        self.status(page, 200)
        self.eq('total_count', page.total_count, 2)
        self.eq('skip', page.skip, 0)
        self.eq('limit', page.limit, 1)
        self.eq('ids on the first page', [a.id for a in page.data], [attempt_id])
        self.href(page, 'next', 'attempt page')
        everything = faces.get_face_authentication_attempts(fa_id)
        self.eq('total_count', everything.total_count, 2)
        self.eq('limit (default)', everything.limit, 10)
        self.eq('attempts, newest first', [(a.id, a.status) for a in everything.data],
                [(attempt_id, 'completed'), (first_id, 'expired')])
        self.ok()

        self.begin('get attempt (completed)')
        attempt = faces.get_face_authentication_attempt(fa_id, attempt_id)
        self.status(attempt, 200)
        self.eq('attempt id', attempt.id, attempt_id)
        self.eq('attempt status', attempt.status, 'completed')
        self.eq('attempt response_codes', self.codes(attempt, 'attempt'), [(10000, 'approved')])
        self.eq('attempt redirect_url', attempt.redirect_url, REDIRECT_URL + '&try=2')
        self.ok()

        self.begin('get attempt assets (face_image)')
        asset_query = AttemptAssetsQueryFilter()
        asset_query.skip = 0
        asset_query.limit = 10
        assets = faces.get_face_authentication_attempt_assets(fa_id, attempt_id, asset_query)
        self.status(assets, 200)
        self.eq('assets total_count', assets.total_count, 1)
        self.eq('asset types', [a.type for a in assets.data], ['face_image'])
        asset_url = self.href(assets.data[0], 'asset_url', 'asset')
        self.starts('asset_url', asset_url, f'{self.api}/assets/')
        code, content_type, body = self.fetch(asset_url)
        self.starts('asset Content-Type', content_type, 'image/')
        if not (body.startswith(b'\xff\xd8\xff') or body.startswith(b'\x89PNG\r\n\x1a\n')):
            self.fail('asset bytes', 'a JPEG or PNG', body[:16])
        self.ok(f'{len(body)} bytes of {content_type}')

        self.begin('409: new attempt on the approved face authentication')
        again = FaceAuthenticationAttemptRequest()
        again.redirect_url = REDIRECT_URL
        self.api_error(lambda: faces.create_face_authentication_attempt(fa_id, again), 409, 'conflict',
                       ['face_authentication_status_approved'])
        self.ok()

        self.begin('anonymize face authentication')
        anonymized = faces.anonymize_face_authentication(fa_id)
        self.status(anonymized, 200)
        self.eq('id', anonymized.id, fa_id)
        self.eq('status kept', anonymized.status, 'approved')
        self.eq('response_codes kept', self.codes(anonymized, 'face authentication'), [(10000, 'approved')])
        self.absent(anonymized, 'face', 'anonymized face authentication')
        kept = faces.get_face_authentication_attempt(fa_id, first_id)
        self.absent(kept, 'phone_number', 'attempt of an anonymized face authentication')
        gone = faces.get_face_authentication_attempt_assets(fa_id, attempt_id)
        self.eq('assets after anonymize', (gone.total_count, gone.data), (0, []))
        self.ok()

        self.begin('anonymize applicant')
        anonymous = applicants.anonymize_applicant(applicant_id)
        self.status(anonymous, 200)
        self.eq('id', anonymous.id, applicant_id)
        self.absent(anonymous, 'email', 'anonymized applicant')
        self.absent(anonymous, 'external_applicant_name', 'anonymized applicant')
        self.eq('external_applicant_id kept', self.field(anonymous, 'external_applicant_id', 'applicant'),
                external_id)
        again = applicants.get_applicant(applicant_id)
        self.absent(again, 'email', 'applicant read after anonymize')
        self.absent(again, 'external_applicant_name', 'applicant read after anonymize')
        self.ok()

        self.begin('404: unknown face authentication')
        self.api_error(lambda: faces.get_face_authentication('fav_' + random_b32(26)), 404, 'resource_not_found',
                       ['face_authentication_not_found'])
        self.ok()

        self.begin('404: unknown applicant')
        self.api_error(lambda: applicants.get_applicant('aplt_' + random_b32(26)), 404, 'resource_not_found',
                       ['applicant_not_found'])
        self.ok()

        self.begin('404: unknown attempt')
        self.api_error(lambda: faces.get_face_authentication_attempt(fa_id, 'fatp_' + random_b32(26)), 404,
                       'resource_not_found', ['attempt_not_found'])
        self.ok()

        self.begin('422: face authentication for an unknown applicant')
        orphan = FaceAuthenticationRequest()
        orphan.applicant_id = 'aplt_' + random_b32(26)
        orphan.user_journey_id = journey
        self.api_error(lambda: faces.create_face_authentication(orphan), 422, 'request_invalid',
                       ['applicant_not_found'])
        self.ok()

        self.begin('401: unknown secret key')
        stranger = sdk(UNKNOWN_SECRET_KEY).face_authentication
        try:
            response = stranger.get_face_authentication(fa_id)
        except CheckoutApiException as err:
            self.eq('CheckoutApiException.http_metadata.status_code', err.http_metadata.status_code, 401)
            self.eq('CheckoutApiException.error_type (empty body)', err.error_type, None)
        else:
            self.fail('the SDK call', 'CheckoutApiException with HTTP 401', response_dict(response))
        self.ok()


def random_b32(length):
    return base64.b32encode(os.urandom(length)).decode().lower()[:length]


def attrs(obj):
    return [name for name in vars(obj)] if hasattr(obj, '__dict__') else []


def response_dict(value):
    if isinstance(value, list):
        return [response_dict(v) for v in value]
    if hasattr(value, '__dict__'):
        return {k: response_dict(v) for k, v in vars(value).items() if k != 'http_metadata'}
    return value


def main(argv):
    if len(argv) != 2 or not argv[1].startswith(('http://', 'https://')):
        print(f'usage: {argv[0]} ROOT_URL   (for example http://127.0.0.1:7700)', file=sys.stderr)
        return 2
    # The SDK logs every non-2xx answer at ERROR level; the flow reports what it expected instead.
    logging.getLogger('checkout').addHandler(logging.NullHandler())
    print(f'checkout-sdk {VERSION} (Python) against {argv[1].rstrip("/")}/checkout', flush=True)
    flow = Flow(argv[1])
    try:
        flow.run()
    except StepFailed as failure:
        print(f'FAIL {flow.step}: {failure}', flush=True)
        print(f'{LABEL}: {flow.passed} passed, 1 failed', flush=True)
        return 1
    except CheckoutApiException as err:
        print(f'FAIL {flow.step}: the SDK raised CheckoutApiException: HTTP {err.http_metadata.status_code}, '
              f'error_type={err.error_type!r}, error_codes={err.error_details!r}, request_id={err.request_id!r}',
              flush=True)
        print(f'{LABEL}: {flow.passed} passed, 1 failed', flush=True)
        return 1
    except Exception as err:  # the SDK failing to parse an answer, a refused connection...
        cause = f' (caused by {type(err.__cause__).__name__}: {err.__cause__})' if err.__cause__ else ''
        print(f'FAIL {flow.step}: {type(err).__name__}: {err}{cause}', flush=True)
        print(f'{LABEL}: {flow.passed} passed, 1 failed', flush=True)
        return 1
    print(f'{LABEL}: {flow.passed} passed, 0 failed', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
