//! State machines: the definition as Step Functions would store it once the stack is
//! deployed. Intrinsics inside `Definition`/`DefinitionString` resolve first, then each
//! DefinitionSubstitutions key replaces its `${key}` placeholders in the definition text.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html>
//! <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-statemachine.html>

use super::intrinsics::{text_of, Misses, Physical};
use super::resources::{Context, Resource};
use super::{StateMachineImport, TemplateError};
use serde_json::Value;

/// The `${name}` placeholders left in a text, in order of appearance.
pub(crate) fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let p = format!("${{{}}}", &after[..end]);
        if !found.contains(&p) {
            found.push(p);
        }
        rest = &after[end + 1..];
    }
    found
}

pub(crate) fn state_machine(
    ctx: &mut Context,
    r: &Resource,
    physical: &Physical,
) -> Result<(), TemplateError> {
    let mut misses = Misses::new();
    let mut import = StateMachineImport {
        logical_id: r.logical_id.to_string(),
        resource_type: r.resource_type.to_string(),
        name: physical.name.clone(),
        arn: physical.arn.clone(),
        ..StateMachineImport::default()
    };
    let uri_key = if r.resource_type == "AWS::Serverless::StateMachine" {
        "DefinitionUri"
    } else {
        "DefinitionS3Location"
    };
    let text = if let Some(definition) = r.properties.get("Definition") {
        match ctx.resolver.resolve(definition, &mut misses) {
            Some(Value::String(s)) => s,
            Some(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
            None => String::new(),
        }
    } else if let Some(definition) = r.properties.get("DefinitionString") {
        ctx.resolver
            .resolve(definition, &mut misses)
            .map(|v| text_of(&v))
            .unwrap_or_default()
    } else if let Some(uri) = r.properties.get(uri_key) {
        let uri = ctx.resolver.resolve(uri, &mut misses).unwrap_or_default();
        ctx.system.warnings.push(format!(
            "{}: the definition is at {uri_key} {}, which the playground cannot read; paste the definition into the template as Definition to run it",
            r.logical_id,
            text_of(&uri)
        ));
        import.definition_uri = Some(uri);
        String::new()
    } else {
        return Err(TemplateError::resource(
            r.logical_id,
            format!("a state machine needs Definition, DefinitionString or {uri_key}"),
        ));
    };
    // `${name}` misses of Fn::Sub may be DefinitionSubstitutions placeholders: they are
    // judged on the final text below; other misses (a Ref to nothing) stay reported.
    let mut unresolved: Vec<String> = misses
        .into_iter()
        .filter(|m| !m.starts_with("${"))
        .collect();
    let mut text = text;
    if let Some(subs) = r.properties.get("DefinitionSubstitutions") {
        let mut misses = Misses::new();
        match ctx.resolver.resolve(subs, &mut misses) {
            Some(Value::Object(map)) => {
                for (key, value) in &map {
                    let placeholder = format!("${{{key}}}");
                    if text.contains(&placeholder) {
                        text = text.replace(&placeholder, &text_of(value));
                        import.substitutions_applied.push(key.clone());
                    }
                }
            }
            _ => {
                return Err(TemplateError::resource(
                    r.logical_id,
                    "DefinitionSubstitutions must be an object of placeholder name to value",
                ))
            }
        }
        unresolved.extend(misses.into_iter().filter(|m| !m.starts_with("${")));
    }
    for p in placeholders(&text) {
        if !unresolved.contains(&p) {
            unresolved.push(p);
        }
    }
    if !text.is_empty() {
        match serde_json::from_str::<Value>(&text) {
            Ok(v) => text = serde_json::to_string_pretty(&v).unwrap_or(text),
            Err(e) => ctx.system.warnings.push(format!(
                "{}: the definition is not valid JSON once substituted ({e})",
                r.logical_id
            )),
        }
    }
    import.functions = ctx
        .resolver
        .resources
        .iter()
        .filter(|(_, p)| {
            matches!(
                p.resource_type.as_str(),
                "AWS::Lambda::Function" | "AWS::Serverless::Function"
            ) && (text.contains(&format!("\"{}\"", p.arn))
                || text.contains(&format!("{}:", p.arn))
                || text.contains(&format!("\"{}\"", p.name)))
        })
        .map(|(id, _)| id.clone())
        .collect();
    import.functions.sort();
    import.definition = text;
    import.unresolved = unresolved;
    ctx.system.state_machines.push(import);
    Ok(())
}
