//! The Resources section: what each resource is called once deployed (so `Ref` and
//! `Fn::GetAtt` resolve across the template), then one import per resource type the
//! playground simulates and an `ignored` entry with a reason for every other one.
//! Return values per type come from each resource's "Return values" section of the
//! CloudFormation template reference, e.g.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbus.html>

use super::intrinsics::{text_of, Misses, Physical, Resolver};
use super::{
    machines, rules, BusImport, FunctionImport, IgnoredResource, ParameterValue, SystemImport,
    TemplateError, ACCOUNT, REGION,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One resource of the template, its properties not yet resolved.
pub(crate) struct Resource<'a> {
    pub logical_id: &'a str,
    pub resource_type: &'a str,
    pub properties: &'a Map<String, Value>,
}

/// What the per-type importers share: the resolver and the system being built.
pub(crate) struct Context {
    pub resolver: Resolver,
    pub system: SystemImport,
}

impl Context {
    /// Resolves a property, noting what stays unresolved as a warning on the resource.
    pub fn value(&mut self, r: &Resource, key: &str) -> Option<Value> {
        let raw = r.properties.get(key)?;
        let mut misses = Misses::new();
        let v = self.resolver.resolve(raw, &mut misses);
        self.warn_misses(r.logical_id, key, &misses);
        v
    }

    pub fn string(&mut self, r: &Resource, key: &str) -> Option<String> {
        self.value(r, key).map(|v| text_of(&v))
    }

    pub fn warn_misses(&mut self, logical_id: &str, key: &str, misses: &Misses) {
        if !misses.is_empty() {
            self.system.warnings.push(format!(
                "{logical_id}.{key}: could not resolve {}",
                misses.join(", ")
            ));
        }
    }

    /// The template resource an ARN (or name) belongs to, and what kind of target it is.
    pub fn target_of(&self, arn: &str) -> (super::TargetKind, Option<String>) {
        use super::TargetKind;
        let owner = self
            .resolver
            .resources
            .iter()
            .find(|(_, p)| p.arn == arn)
            .map(|(id, _)| id.clone());
        let kind = if arn.contains(":states:") && arn.contains(":stateMachine:") {
            TargetKind::StateMachine
        } else if arn.contains(":events:") && arn.contains(":event-bus/") {
            TargetKind::EventBus
        } else if arn.contains(":lambda:") && arn.contains(":function:") {
            TargetKind::Function
        } else {
            TargetKind::Other
        };
        (kind, owner)
    }
}

fn arn(service: &str, rest: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{rest}")
}

/// The property that names a resource of this type, if it has one.
fn name_property(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "AWS::StepFunctions::StateMachine" => "StateMachineName",
        "AWS::Serverless::StateMachine" => "Name",
        "AWS::Events::EventBus" | "AWS::Events::Rule" | "AWS::Events::Archive" => "Name",
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => "FunctionName",
        "AWS::Scheduler::Schedule" | "AWS::Pipes::Pipe" => "Name",
        "AWS::Scheduler::ScheduleGroup" | "AWS::Kinesis::Stream" => "Name",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => "TableName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::S3::Bucket" => "BucketName",
        _ => return None,
    })
}

/// What `Ref` and `Fn::GetAtt` give for a resource called `name` once deployed.
fn physical(resource_type: &str, name: &str, properties: &Map<String, Value>) -> Physical {
    let with = |arn: String, reference: String, attributes: Vec<(&str, String)>| Physical {
        resource_type: resource_type.to_string(),
        name: name.to_string(),
        arn,
        reference,
        attributes: attributes
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    };
    let n = name.to_string();
    match resource_type {
        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
            let a = arn("states", &format!("stateMachine:{name}"));
            with(a.clone(), a, vec![("Name", n)])
        }
        "AWS::Events::EventBus" => with(
            arn("events", &format!("event-bus/{name}")),
            n.clone(),
            vec![("Name", n)],
        ),
        "AWS::Events::Rule" => {
            let bus = properties
                .get("EventBusName")
                .and_then(Value::as_str)
                .filter(|b| *b != "default" && !b.starts_with("arn:"));
            let path = match bus {
                Some(b) => format!("rule/{b}/{name}"),
                None => format!("rule/{name}"),
            };
            with(arn("events", &path), n, vec![])
        }
        "AWS::Events::Archive" => with(
            arn("events", &format!("archive/{name}")),
            n.clone(),
            vec![("ArchiveName", n)],
        ),
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            with(arn("lambda", &format!("function:{name}")), n, vec![])
        }
        "AWS::Scheduler::Schedule" => {
            let group = properties
                .get("GroupName")
                .and_then(Value::as_str)
                .unwrap_or("default");
            with(
                arn("scheduler", &format!("schedule/{group}/{name}")),
                n,
                vec![],
            )
        }
        "AWS::Scheduler::ScheduleGroup" => with(
            arn("scheduler", &format!("schedule-group/{name}")),
            n,
            vec![],
        ),
        "AWS::Pipes::Pipe" => with(arn("pipes", &format!("pipe/{name}")), n, vec![]),
        "AWS::SQS::Queue" => {
            let url = format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}");
            with(
                arn("sqs", name),
                url.clone(),
                vec![("QueueName", n), ("QueueUrl", url)],
            )
        }
        "AWS::SNS::Topic" => {
            let a = arn("sns", name);
            with(
                a.clone(),
                a.clone(),
                vec![("TopicName", n), ("TopicArn", a)],
            )
        }
        "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => {
            let a = arn("dynamodb", &format!("table/{name}"));
            // The stream label is the stream's creation time: the virtual clock's default start.
            let stream = format!("{a}/stream/2024-01-01T00:00:00.000");
            with(a, n, vec![("StreamArn", stream)])
        }
        "AWS::Kinesis::Stream" => with(arn("kinesis", &format!("stream/{name}")), n, vec![]),
        "AWS::IAM::Role" => with(format!("arn:aws:iam::{ACCOUNT}:role/{name}"), n, vec![]),
        "AWS::Logs::LogGroup" => with(arn("logs", &format!("log-group:{name}:*")), n, vec![]),
        "AWS::S3::Bucket" => with(
            format!("arn:aws:s3:::{name}"),
            n.clone(),
            vec![("DomainName", format!("{n}.s3.amazonaws.com"))],
        ),
        _ => with(String::new(), n, vec![]),
    }
}

/// Why the playground leaves a resource type out.
fn ignored_reason(resource_type: &str) -> String {
    let family = resource_type
        .split("::")
        .take(2)
        .collect::<Vec<_>>()
        .join("::");
    match family.as_str() {
        "AWS::IAM" => "permissions are not simulated: every call is allowed".into(),
        "AWS::DynamoDB" | "AWS::Serverless::SimpleTable" => {
            "tables are not simulated; mock the tasks that read or write them".into()
        }
        "AWS::CloudWatch" => "alarms and dashboards are not simulated".into(),
        "AWS::SQS" | "AWS::SNS" => {
            "queues and topics are not simulated; a rule target pointing at one records what it would receive".into()
        }
        "AWS::Logs" => "log groups are not simulated; a rule target pointing at one records what it would receive".into(),
        _ => format!("{resource_type} is not simulated by the playground"),
    }
}

/// Parameters resolve to their Default; list types become arrays as `Ref` returns them.
fn parameters(root: &Map<String, Value>, system: &mut SystemImport) -> HashMap<String, Value> {
    let mut values = HashMap::new();
    let Some(params) = root.get("Parameters").and_then(Value::as_object) else {
        return values;
    };
    for (name, def) in params {
        let kind = def.get("Type").and_then(Value::as_str).unwrap_or("String");
        let value = def.get("Default").map(|d| match d {
            Value::String(s) if kind == "CommaDelimitedList" || kind.starts_with("List<") => {
                Value::Array(s.split(',').map(|p| Value::from(p.trim())).collect())
            }
            Value::String(s) => Value::from(s.clone()),
            // CloudFormation parameters are text whatever the Default was written as.
            other => Value::from(text_of(other)),
        });
        match &value {
            Some(v) => {
                values.insert(name.clone(), v.clone());
            }
            None => system.warnings.push(format!(
                "Parameter {name} has no Default: Ref {name} stays unresolved"
            )),
        }
        system.parameters.push(ParameterValue {
            name: name.clone(),
            value,
        });
    }
    values
}

/// Builds the system from a parsed template.
pub(crate) fn build(doc: &Value) -> Result<SystemImport, TemplateError> {
    let root = doc.as_object().ok_or_else(|| {
        TemplateError::document("A template must be an object with a Resources section")
    })?;
    let resources = root
        .get("Resources")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            TemplateError::document(
                "The template has no Resources section (an object of logical id to resource)",
            )
        })?;
    let mut system = SystemImport {
        description: root
            .get("Description")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..SystemImport::default()
    };
    let params = parameters(root, &mut system);
    let mut list = Vec::new();
    for (logical_id, resource) in resources {
        let resource_type = resource
            .get("Type")
            .and_then(Value::as_str)
            .ok_or_else(|| TemplateError::resource(logical_id, "has no Type"))?;
        let properties = match resource.get("Properties") {
            None => None,
            Some(Value::Object(p)) => Some(p),
            Some(_) => {
                return Err(TemplateError::resource(
                    logical_id,
                    "Properties must be an object",
                ))
            }
        };
        list.push((
            logical_id.as_str(),
            resource_type,
            properties,
            resource.get("Condition"),
        ));
    }
    let mut resolver = Resolver {
        parameters: params,
        resources: HashMap::new(),
        conditions: root
            .get("Conditions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        mappings: root
            .get("Mappings")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    };
    // Names first, with only parameters known: a name rarely depends on another resource.
    let empty = Map::new();
    let mut named = HashMap::new();
    for (logical_id, resource_type, properties, _) in &list {
        let props = properties.unwrap_or(&empty);
        let mut misses = Misses::new();
        let name = name_property(resource_type)
            .and_then(|k| props.get(k))
            .and_then(|v| resolver.resolve(v, &mut misses))
            .map(|v| text_of(&v))
            .filter(|n| misses.is_empty() && !n.is_empty())
            .unwrap_or_else(|| logical_id.to_string());
        named.insert(
            logical_id.to_string(),
            physical(resource_type, &name, props),
        );
    }
    resolver.resources = named;
    // A rule's ARN holds its bus's name, which a `Ref`/`Fn::GetAtt` to the bus gives only
    // now that every resource is named.
    for (logical_id, resource_type, properties, _) in &list {
        let Some(bus) = properties
            .and_then(|p| p.get("EventBusName"))
            .filter(|_| *resource_type == "AWS::Events::Rule")
        else {
            continue;
        };
        let mut misses = Misses::new();
        let bus = resolver
            .resolve(bus, &mut misses)
            .map(|v| text_of(&v))
            .unwrap_or_default();
        let bus = resolver
            .resources
            .values()
            .find(|p| p.resource_type == "AWS::Events::EventBus" && (p.arn == bus || p.name == bus))
            .map(|p| p.name.clone())
            .unwrap_or(bus);
        if let Some(rule) = resolver.resources.get_mut(*logical_id) {
            if !bus.is_empty() && bus != "default" && !bus.starts_with("arn:") {
                rule.arn = arn("events", &format!("rule/{bus}/{}", rule.name));
            }
        }
    }
    let mut ctx = Context { resolver, system };
    for (logical_id, resource_type, properties, condition) in list {
        if let Some(condition) = condition {
            let name = text_of(condition);
            let mut misses = Misses::new();
            if ctx.resolver.condition(&name, &mut misses, 0) == Some(false) {
                ctx.system.ignored.push(IgnoredResource {
                    logical_id: logical_id.to_string(),
                    resource_type: resource_type.to_string(),
                    reason: format!("its Condition {name} is false with the parameters' defaults"),
                });
                continue;
            }
        }
        let r = Resource {
            logical_id,
            resource_type,
            properties: properties.unwrap_or(&empty),
        };
        import_one(&mut ctx, &r)?;
    }
    Ok(ctx.system)
}

fn import_one(ctx: &mut Context, r: &Resource) -> Result<(), TemplateError> {
    let physical = ctx
        .resolver
        .resources
        .get(r.logical_id)
        .cloned()
        .unwrap_or_default();
    match r.resource_type {
        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
            machines::state_machine(ctx, r, &physical)?;
            if r.resource_type == "AWS::Serverless::StateMachine" {
                rules::sam_events(ctx, r, &physical.arn)?;
            }
        }
        "AWS::Events::EventBus" => {
            if !r.properties.contains_key("Name") {
                return Err(TemplateError::resource(
                    r.logical_id,
                    "an AWS::Events::EventBus needs a Name",
                ));
            }
            ctx.system.buses.push(BusImport {
                logical_id: r.logical_id.to_string(),
                name: physical.name,
                arn: physical.arn,
            });
        }
        "AWS::Events::Rule" => rules::rule(ctx, r, &physical)?,
        "AWS::Scheduler::Schedule" => rules::schedule(ctx, r, &physical)?,
        "AWS::Pipes::Pipe" => rules::pipe(ctx, r, &physical)?,
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            let runtime = ctx.string(r, "Runtime");
            let handler = ctx.string(r, "Handler");
            ctx.system.functions.push(FunctionImport {
                logical_id: r.logical_id.to_string(),
                resource_type: r.resource_type.to_string(),
                name: physical.name.clone(),
                arn: physical.arn.clone(),
                runtime,
                handler,
            });
            if r.resource_type == "AWS::Serverless::Function" {
                rules::sam_events(ctx, r, &physical.arn)?;
            }
        }
        other => ctx.system.ignored.push(IgnoredResource {
            logical_id: r.logical_id.to_string(),
            resource_type: other.to_string(),
            reason: ignored_reason(other),
        }),
    }
    Ok(())
}
