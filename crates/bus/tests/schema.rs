//! Schema discovery, reproducing
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schemas-infer.html (one schema per
//! event structure in the discovered-schemas registry, a new version when events change) and
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema.html (OpenAPI 3 and
//! JSONSchema Draft4 formats, code bindings).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use stepbridge_bus::schema::{discover, schema_name, typescript_bindings, Registry};

fn event(source: &str, detail_type: &str, detail: Value) -> Value {
    json!({
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": detail_type, "source": source, "account": "111122223333",
        "time": "2024-01-01T00:00:00Z", "region": "us-east-1", "resources": [],
        "detail": detail
    })
}

fn order(detail: Value) -> Value {
    event("com.shop", "Order Placed", detail)
}

// Discovered schemas are named <source>@<DetailType>, as aws.ec2@EC2InstanceStateChangeNotification
// in the discovered-schemas registry.
#[test]
fn naming_follows_source_and_detail_type() {
    assert_eq!(
        schema_name("aws.ec2", "EC2 Instance State-change Notification"),
        "aws.ec2@EC2InstanceStateChangeNotification"
    );
    let registry = discover(&[
        order(json!({"id": "o-1"})),
        event(
            "aws.ec2",
            "EC2 Instance State-change Notification",
            json!({"instance-id": "i-1", "state": "running"}),
        ),
        order(json!({"id": "o-2"})),
    ]);
    let names: Vec<&str> = registry.schemas().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "com.shop@OrderPlaced",
            "aws.ec2@EC2InstanceStateChangeNotification"
        ]
    );
    let ec2 = registry
        .latest("aws.ec2@EC2InstanceStateChangeNotification")
        .unwrap();
    let envelope = &ec2.openapi["components"]["schemas"]["AWSEvent"];
    assert_eq!(envelope["x-amazon-events-source"], "aws.ec2");
    assert_eq!(
        envelope["x-amazon-events-detail-type"],
        "EC2 Instance State-change Notification"
    );
    assert_eq!(
        envelope["properties"]["detail"]["$ref"],
        "#/components/schemas/EC2InstanceStateChangeNotification"
    );
    assert_eq!(ec2.openapi["openapi"], "3.0.0");
    assert_eq!(
        ec2.openapi["info"]["title"],
        "EC2InstanceStateChangeNotification"
    );
    assert_eq!(
        ec2.jsonschema["$schema"],
        "http://json-schema.org/draft-04/schema#"
    );
    assert_eq!(
        ec2.jsonschema["properties"]["detail"]["$ref"],
        "#/definitions/EC2InstanceStateChangeNotification"
    );
    assert_eq!(
        ec2.jsonschema["definitions"]["EC2InstanceStateChangeNotification"]["properties"]["state"]
            ["type"],
        "string"
    );
}

#[test]
fn types_of_strings_numbers_booleans_objects_and_arrays() {
    let registry = discover(&[order(json!({
        "id": "o-1", "count": 3, "total": 12.5, "paid": true,
        "placedAt": "2024-01-01T10:00:00Z",
        "customer": {"name": "Ana", "address": {"city": "Lisbon"}},
        "tags": ["a", "b"], "nothing": null
    }))]);
    let s = registry.latest("com.shop@OrderPlaced").unwrap();
    let c = &s.openapi["components"]["schemas"];
    let p = &c["OrderPlaced"]["properties"];
    assert_eq!(p["id"], json!({"type": "string"}));
    assert_eq!(p["count"], json!({"type": "integer"}));
    assert_eq!(p["total"], json!({"type": "number"}));
    assert_eq!(p["paid"], json!({"type": "boolean"}));
    assert_eq!(
        p["placedAt"],
        json!({"type": "string", "format": "date-time"})
    );
    assert_eq!(
        p["customer"],
        json!({"$ref": "#/components/schemas/Customer"})
    );
    assert_eq!(
        c["Customer"]["properties"]["address"],
        json!({"$ref": "#/components/schemas/Address"})
    );
    assert_eq!(
        c["Address"]["properties"]["city"],
        json!({"type": "string"})
    );
    assert_eq!(
        p["tags"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(p["nothing"], json!({}));
    // An integer field that later holds a fraction becomes a number.
    let registry = discover(&[order(json!({"n": 1})), order(json!({"n": 1.5}))]);
    let s = registry.latest("com.shop@OrderPlaced").unwrap();
    assert_eq!(
        s.openapi["components"]["schemas"]["OrderPlaced"]["properties"]["n"]["type"],
        "number"
    );
}

#[test]
fn fields_are_required_only_when_every_event_had_them() {
    let registry = discover(&[
        order(json!({"id": "o-1", "coupon": "X"})),
        order(json!({"id": "o-2"})),
    ]);
    let s = registry.latest("com.shop@OrderPlaced").unwrap();
    let detail = &s.openapi["components"]["schemas"]["OrderPlaced"];
    assert_eq!(detail["required"], json!(["id"]));
    assert_eq!(detail["properties"]["coupon"], json!({"type": "string"}));
    assert_eq!(
        s.jsonschema["definitions"]["OrderPlaced"]["required"],
        json!(["id"])
    );
}

#[test]
fn arrays_of_objects_merge_their_elements() {
    let registry = discover(&[order(json!({
        "items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2, "gift": true}]
    }))]);
    let s = registry.latest("com.shop@OrderPlaced").unwrap();
    let c = &s.openapi["components"]["schemas"];
    assert_eq!(
        c["OrderPlaced"]["properties"]["items"],
        json!({"type": "array", "items": {"$ref": "#/components/schemas/ItemsItem"}})
    );
    assert_eq!(c["ItemsItem"]["required"], json!(["qty", "sku"]));
    assert_eq!(
        c["ItemsItem"]["properties"]["gift"],
        json!({"type": "boolean"})
    );
}

#[test]
fn versions_change_only_when_the_structure_does() {
    let mut registry = Registry::new();
    let a = registry
        .add(&order(json!({"id": "o-1", "total": 3})))
        .unwrap();
    assert_eq!((a.version, a.new_version), (1, true));
    // Same structure, other values: same version.
    let b = registry
        .add(&order(json!({"id": "o-2", "total": 9})))
        .unwrap();
    assert_eq!((b.version, b.new_version), (1, false));
    assert_eq!(
        registry.latest("com.shop@OrderPlaced").unwrap().event_count,
        2
    );
    // A new field: version 2, the old version kept.
    let c = registry
        .add(&order(json!({"id": "o-3", "total": 1, "note": "fast"})))
        .unwrap();
    assert_eq!((c.version, c.new_version), (2, true));
    let versions = registry.versions("com.shop@OrderPlaced");
    assert_eq!(versions.len(), 2);
    assert!(
        versions[0].openapi["components"]["schemas"]["OrderPlaced"]["properties"]
            .get("note")
            .is_none()
    );
    assert!(
        versions[1].openapi["components"]["schemas"]["OrderPlaced"]["properties"]
            .get("note")
            .is_some()
    );
    // An event that fits version 2 (it has the optional field) keeps version 2.
    let d = registry
        .add(&order(json!({"id": "o-4", "total": 2, "note": "slow"})))
        .unwrap();
    assert_eq!((d.version, d.new_version), (2, false));
    // Events without source or detail-type are skipped with a reason.
    assert!(registry.add(&json!({"detail": {}})).is_err());
    assert_eq!(registry.skipped()[0].index, 4);
    assert!(registry.skipped()[0].reason.contains("source"));
    let json = registry.to_json();
    assert_eq!(json["schemas"][0]["latestVersion"], 2);
}

#[test]
fn typescript_bindings_declare_envelope_and_nested_types() {
    let registry = discover(&[
        order(
            json!({"id": "o-1", "customer": {"name": "Ana"}, "items": [{"sku": "A"}], "tags": ["x"], "coupon": "C"}),
        ),
        order(json!({"id": "o-2", "customer": {"name": "Bo"}, "items": [], "tags": []})),
    ]);
    let ts = typescript_bindings(registry.latest("com.shop@OrderPlaced").unwrap());
    assert!(ts.contains("export interface AWSEvent<T> {"), "{ts}");
    assert!(ts.contains("  \"detail-type\": string;"), "{ts}");
    assert!(ts.contains("export interface OrderPlaced {"), "{ts}");
    assert!(ts.contains("  coupon?: string;"), "{ts}");
    assert!(ts.contains("  customer: Customer;"), "{ts}");
    assert!(ts.contains("  items: ItemsItem[];"), "{ts}");
    assert!(ts.contains("  tags: string[];"), "{ts}");
    assert!(
        ts.contains("export type OrderPlacedEvent = AWSEvent<OrderPlaced>;"),
        "{ts}"
    );
}

/// Compiles bindings with the TypeScript compiler from npm, pinned. If npm cannot be reached
/// this test fails rather than skips: the bindings must be proven to compile.
#[test]
fn typescript_bindings_compile_with_tsc() {
    let registry = discover(&[
        order(
            json!({"id": "o-1", "total": 12.5, "customer": {"name": "Ana", "address": {"city": "Lisbon"}},
                     "items": [{"sku": "A", "qty": 1}], "meta": {}, "odd-key": 1, "nothing": null}),
        ),
        order(
            json!({"id": "o-2", "total": 3, "customer": {"name": "Bo"}, "items": [], "meta": {}, "odd-key": 2}),
        ),
        event(
            "aws.ec2",
            "EC2 Instance State-change Notification",
            json!({"instance-id": "i-1", "state": "running"}),
        ),
    ]);
    let dir = std::env::temp_dir().join(format!("stepbridge-ts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (i, schema) in registry.schemas().iter().enumerate() {
        let path = dir.join(format!("schema{i}.ts"));
        let mut source = typescript_bindings(schema);
        // Use the types so that a wrong shape fails type checking, not only syntax.
        if schema.name == "com.shop@OrderPlaced" {
            source.push_str(
                "\nexport const sample: OrderPlacedEvent = { account: \"1\", \"detail-type\": \"Order Placed\", id: \"x\", region: \"r\", resources: [], source: \"com.shop\", time: \"t\", version: \"0\",\n  detail: { id: \"o\", total: 1, customer: { name: \"A\" }, items: [{ sku: \"A\", qty: 1 }], meta: {}, \"odd-key\": 3 } };\nexport const city: string | undefined = sample.detail.customer.address?.city;\n",
            );
        }
        std::fs::write(&path, source).unwrap();
        files.push(path);
    }
    let output = std::process::Command::new("npx")
        .args([
            "--yes",
            "-p",
            "typescript@5.6.3",
            "tsc",
            "--noEmit",
            "--strict",
        ])
        .args(&files)
        .output()
        .expect("npx must be installed to check the TypeScript bindings");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tsc failed:\n{stdout}\n{stderr}\n{}",
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect::<Vec<_>>()
            .join("\n---\n")
    );
    // And a wrong shape is refused, so the check above is not vacuous.
    let bad = dir.join("bad.ts");
    let mut source = typescript_bindings(registry.latest("com.shop@OrderPlaced").unwrap());
    source.push_str("\nexport const wrong: OrderPlaced = { id: 5, total: 1, customer: { name: \"A\" }, items: [], meta: {}, \"odd-key\": 1 };\n");
    std::fs::write(&bad, source).unwrap();
    let output = std::process::Command::new("npx")
        .args([
            "--yes",
            "-p",
            "typescript@5.6.3",
            "tsc",
            "--noEmit",
            "--strict",
        ])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "tsc accepted a number for a string field"
    );
    std::fs::remove_dir_all(&dir).ok();
}
