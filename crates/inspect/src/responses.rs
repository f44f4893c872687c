//! The documented response of each service integration, as a Task state's result.
//! Sources, per integration:
//! - Lambda: https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html and
//!   the Invoke API (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html):
//!   StatusCode, ExecutedVersion, Payload parsed from JSON.
//! - DynamoDB: https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
//!   (GetItem answers `Item` with typed attribute values).
//! - SNS: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html (`MessageId`).
//! - SQS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
//!   (`MessageId`, `MD5OfMessageBody`).
//! - Step Functions: https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html
//!   (`ExecutionArn`, `StartDate`; `.sync` adds the DescribeExecution fields with Output as
//!   text, `.sync:2` with Output as JSON).
//! - ECS: https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html (RunTask's
//!   `Tasks` and `Failures`).
//! - Glue: https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
//!   (`JobRunId`; `.sync` gives the GetJobRun `JobRun` fields).
//! - Batch: https://docs.aws.amazon.com/step-functions/latest/dg/connect-batch.html
//!   (`JobArn`, `JobId`, `JobName`; `.sync` the DescribeJobs job).
//! - EventBridge: https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
//!   and https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
//!   (`Entries` with `EventId`, `FailedEntryCount`).
//! - HTTP Task: https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html
//!   (`Headers`, `ResponseBody`, `StatusCode`, `StatusText`).
//! - `.waitForTaskToken`: the result is what SendTaskSuccess sends, so an empty object.

use serde_json::{json, Value};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const DATE: &str = "2024-01-01T00:00:00Z";

pub fn is_lambda_arn(resource: &str) -> bool {
    resource.starts_with("arn:aws:lambda:")
        || resource.starts_with("arn:aws-") && resource.contains(":lambda:")
}

/// A stable identifier per state, shaped like a UUID, so suggestions do not change between
/// clicks.
fn id(name: &str, salt: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let hex = format!("{h:016x}{:016x}", h.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15);
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn metadata(name: &str) -> Value {
    json!({
        "SdkHttpMetadata": {"HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": id(name, 7)}
    })
}

fn with_metadata(name: &str, mut v: Value) -> Value {
    if let (Value::Object(m), Value::Object(extra)) = (&mut v, metadata(name)) {
        m.extend(extra);
    }
    v
}

pub fn documented(resource: &str, name: &str) -> Value {
    if is_lambda_arn(resource) {
        return json!({"ExecutedVersion": "$LATEST", "Payload": {}, "StatusCode": 200});
    }
    let Some(rest) = resource.strip_prefix("arn:aws:states:::") else {
        // Activities and anything else: the worker's output, unknown.
        return json!({});
    };
    let (api, pattern) = match rest.split_once('.') {
        Some((api, p)) => (api, p),
        None => (rest, ""),
    };
    if pattern == "waitForTaskToken" {
        return json!({});
    }
    let sync = pattern.starts_with("sync");
    let (service, action) = api.split_once(':').unwrap_or((api, ""));
    if service == "aws-sdk" {
        // The SDK call's own response; its shape depends on the API called.
        return json!({});
    }
    match (service, action) {
        ("lambda", "invoke") => with_metadata(
            name,
            json!({"ExecutedVersion": "$LATEST", "Payload": {}, "StatusCode": 200}),
        ),
        ("dynamodb", "getItem") => with_metadata(name, json!({"Item": {}})),
        ("dynamodb", _) => metadata(name),
        ("sns", "publish") => with_metadata(name, json!({"MessageId": id(name, 1)})),
        ("sqs", "sendMessage") => with_metadata(
            name,
            json!({"MD5OfMessageBody": id(name, 2).replace('-', ""), "MessageId": id(name, 3)}),
        ),
        ("states", "startExecution") => {
            let arn = format!(
                "arn:aws:states:{REGION}:{ACCOUNT}:execution:ChildStateMachine:{}",
                id(name, 4)
            );
            if !sync {
                return with_metadata(name, json!({"ExecutionArn": arn, "StartDate": DATE}));
            }
            let output = if pattern == "sync:2" {
                json!({})
            } else {
                json!("{}")
            };
            with_metadata(
                name,
                json!({
                    "ExecutionArn": arn,
                    "Input": if pattern == "sync:2" { json!({}) } else { json!("{}") },
                    "Name": id(name, 4),
                    "Output": output,
                    "StartDate": DATE,
                    "StateMachineArn": format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:ChildStateMachine"),
                    "Status": "SUCCEEDED",
                    "StopDate": "2024-01-01T00:00:05Z"
                }),
            )
        }
        ("ecs", "runTask") => json!({
            "Failures": [],
            "Tasks": [{
                "ClusterArn": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/default"),
                "Containers": [{"ExitCode": 0, "LastStatus": if sync { "STOPPED" } else { "PENDING" }, "Name": "app"}],
                "DesiredStatus": if sync { "STOPPED" } else { "RUNNING" },
                "LastStatus": if sync { "STOPPED" } else { "PENDING" },
                "TaskArn": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task/default/{}", id(name, 5).replace('-', "")),
                "TaskDefinitionArn": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/app:1")
            }]
        }),
        ("glue", "startJobRun") if sync => json!({
            "Attempt": 0,
            "CompletedOn": 1_704_067_500_000_i64,
            "ExecutionTime": 300,
            "Id": format!("jr_{}", id(name, 6).replace('-', "")),
            "JobName": "job",
            "JobRunState": "SUCCEEDED",
            "StartedOn": 1_704_067_200_000_i64
        }),
        ("glue", "startJobRun") => {
            json!({"JobRunId": format!("jr_{}", id(name, 6).replace('-', ""))})
        }
        ("batch", "submitJob") if sync => json!({
            "JobArn": format!("arn:aws:batch:{REGION}:{ACCOUNT}:job/{}", id(name, 8)),
            "JobId": id(name, 8),
            "JobName": "job",
            "JobQueue": format!("arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/default"),
            "Status": "SUCCEEDED",
            "StartedAt": 1_704_067_200_000_i64,
            "StoppedAt": 1_704_067_500_000_i64,
            "Container": {"ExitCode": 0}
        }),
        ("batch", "submitJob") => json!({
            "JobArn": format!("arn:aws:batch:{REGION}:{ACCOUNT}:job/{}", id(name, 8)),
            "JobId": id(name, 8),
            "JobName": "job"
        }),
        ("events", "putEvents") => with_metadata(
            name,
            json!({"Entries": [{"EventId": id(name, 9)}], "FailedEntryCount": 0}),
        ),
        ("http", "invoke") => json!({
            "Headers": {"content-type": ["application/json"]},
            "ResponseBody": {},
            "StatusCode": 200,
            "StatusText": "OK"
        }),
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_stable_and_uuid_shaped() {
        let a = id("Publish", 1);
        assert_eq!(a, id("Publish", 1));
        assert_ne!(a, id("Publish", 2));
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
