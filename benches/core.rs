//! Native benchmarks of the core (`cargo bench --bench core`): the practical ceiling for what
//! the wasm build can reach, stage by stage.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use chinaums_open::bills::{CheckOptions, PREAUTH_CANCEL};
use chinaums_open::open_body_sig::{body_digest, verify_open_body, AppKey, OpenBodySigner, Tolerance};
use chinaums_open::http::TEST_BASE_URL;
use chinaums_open::request::{build_request, BuildOptions};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const APP_ID: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const KEY: &str = "fictional0app0key0for0tests00001";
const TS: &str = "20250102030405";
const TS_MS: i64 = 1_735_758_245_000;
const NONCE: &str = "0123456789abcdef0123456789abcdef";
const INPUT: &str = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;

fn body(size: usize) -> Vec<u8> {
    let mut body = b"{\"srcReserve\":\"".to_vec();
    body.resize(size - 2, b'x');
    body.extend_from_slice(b"\"}");
    body
}

fn signing(c: &mut Criterion) {
    let signer = OpenBodySigner::new(APP_ID, &AppKey::new(KEY).unwrap()).unwrap();
    let mut group = c.benchmark_group("sign");
    for size in [300, 4096] {
        let body = body(size);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("OpenBodySigner::sign", size), &body, |b, body| {
            b.iter(|| signer.sign(black_box(body), TS, NONCE).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("body_digest", size), &body, |b, body| {
            b.iter(|| body_digest(black_box(body)))
        });
        let header = signer.sign(&body, TS, NONCE).unwrap().authorization;
        let key = AppKey::new(KEY).unwrap();
        group.bench_with_input(BenchmarkId::new("verify_open_body", size), &body, |b, body| {
            b.iter(|| verify_open_body(black_box(&header), body, &key, TS_MS, Tolerance::default()).unwrap())
        });
    }
    group.finish();
}

fn preauth_cancel_requests(c: &mut Criterion) {
    let options = BuildOptions::new(TEST_BASE_URL, TS_MS);
    let signer = OpenBodySigner::new(APP_ID, &AppKey::new(KEY).unwrap()).unwrap();
    c.bench_function("preauth_cancel::validate", |b| {
        b.iter(|| chinaums_open::bills::validate_json(&PREAUTH_CANCEL, black_box(INPUT), &CheckOptions { apply_defaults: true, ..Default::default() }))
    });
    c.bench_function("preauth_cancel::build + sign", |b| {
        b.iter(|| {
            let request = build_request(&PREAUTH_CANCEL, black_box(INPUT), &options).unwrap();
            signer.sign(request.body.as_bytes(), TS, NONCE).unwrap()
        })
    });
}

criterion_group!(benches, signing, preauth_cancel_requests);
criterion_main!(benches);
