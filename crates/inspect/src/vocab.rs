//! The words editor completion offers: fields per state type in each query language,
//! intrinsic functions, JSONata's `$states`, Retry and Catch fields, and the state names of
//! a definition. Field lists follow the Amazon States Language specification
//! (https://states-language.net/spec.html) and "Transforming data with JSONata"
//! (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html), which
//! lists the JSONPath-only fields a JSONata state may not use.

use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: Cow<'static, str>,
    pub description: Cow<'static, str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateFields {
    /// `Pass`, `Task`, `Choice`, `Wait`, `Succeed`, `Fail`, `Parallel` or `Map`.
    pub state_type: &'static str,
    pub jsonpath: Vec<Field>,
    pub jsonata: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intrinsic {
    pub name: &'static str,
    /// How it is called, e.g. `States.Format(template, value, ...)`.
    pub signature: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vocabulary {
    pub top_level: Vec<Field>,
    pub state_types: Vec<StateFields>,
    /// Fields of a JSONPath Choice rule (Variable and the comparison operators).
    pub choice_rule_jsonpath: Vec<Field>,
    pub choice_rule_jsonata: Vec<Field>,
    pub retry: Vec<Field>,
    pub catch_jsonpath: Vec<Field>,
    pub catch_jsonata: Vec<Field>,
    pub intrinsics: Vec<Intrinsic>,
    /// `$states.input`, `$states.result`, ...
    pub jsonata_states: Vec<Field>,
}

const fn f(name: &'static str, description: &'static str) -> Field {
    Field {
        name: Cow::Borrowed(name),
        description: Cow::Borrowed(description),
    }
}

const TYPE: Field = f("Type", "The kind of state.");
const COMMENT: Field = f("Comment", "A note for readers; ignored when running.");
const QUERY_LANGUAGE: Field = f(
    "QueryLanguage",
    "JSONPath or JSONata for this state, overriding the top level.",
);
const NEXT: Field = f("Next", "The state to run after this one.");
const END: Field = f(
    "End",
    "true to end the execution (or branch) after this state.",
);
const INPUT_PATH: Field = f(
    "InputPath",
    "Selects the part of the input the state works on.",
);
const OUTPUT_PATH: Field = f("OutputPath", "Selects the part of the output passed on.");
const PARAMETERS: Field = f(
    "Parameters",
    "Builds the effective input; keys ending in .$ take paths.",
);
const RESULT_SELECTOR: Field = f(
    "ResultSelector",
    "Reshapes the raw result before ResultPath.",
);
const RESULT_PATH: Field = f(
    "ResultPath",
    "Where the result goes in the input ($ replaces it, null drops it).",
);
const ASSIGN: Field = f("Assign", "Sets workflow variables visible to later states.");
const ARGUMENTS: Field = f(
    "Arguments",
    "What the state sends to its resource, with {% %} expressions.",
);
const OUTPUT: Field = f("Output", "The state's output, with {% %} expressions.");
const RETRY: Field = f(
    "Retry",
    "Retriers: which errors to retry, how often and how long to wait.",
);
const CATCH: Field = f(
    "Catch",
    "Catchers: which errors to recover from and where to go.",
);

/// The fields every state has, and Next/End for those that are not terminal.
fn flow(terminal: bool) -> Vec<Field> {
    let mut v = vec![TYPE, COMMENT, QUERY_LANGUAGE];
    if !terminal {
        v.extend([NEXT, END]);
    }
    v
}

fn pass(jsonata: bool) -> Vec<Field> {
    let mut v = flow(false);
    if jsonata {
        v.extend([OUTPUT, ASSIGN]);
    } else {
        v.extend([
            INPUT_PATH,
            PARAMETERS,
            f(
                "Result",
                "A fixed value the state outputs instead of its input.",
            ),
            RESULT_PATH,
            OUTPUT_PATH,
            ASSIGN,
        ]);
    }
    v
}

fn task(jsonata: bool) -> Vec<Field> {
    let mut v = flow(false);
    v.extend([
        f(
            "Resource",
            "The ARN of the integration, function or activity to call.",
        ),
        f(
            "Credentials",
            "A role to assume for the call (cross-account).",
        ),
        f(
            "TimeoutSeconds",
            "Fails with States.Timeout if the call runs longer.",
        ),
        f(
            "HeartbeatSeconds",
            "Fails with States.HeartbeatTimeout if no heartbeat arrives in time.",
        ),
    ]);
    if jsonata {
        v.extend([ARGUMENTS, OUTPUT, ASSIGN]);
    } else {
        v.extend([
            f("TimeoutSecondsPath", "Reads TimeoutSeconds from the input."),
            f(
                "HeartbeatSecondsPath",
                "Reads HeartbeatSeconds from the input.",
            ),
            INPUT_PATH,
            PARAMETERS,
            RESULT_SELECTOR,
            RESULT_PATH,
            OUTPUT_PATH,
            ASSIGN,
        ]);
    }
    v.extend([RETRY, CATCH]);
    v
}

fn choice(jsonata: bool) -> Vec<Field> {
    let mut v = vec![TYPE, COMMENT, QUERY_LANGUAGE];
    v.extend([
        f(
            "Choices",
            "The rules, tried in order; the first that matches picks the next state.",
        ),
        f("Default", "The state to run when no rule matches."),
    ]);
    if jsonata {
        v.extend([OUTPUT, ASSIGN]);
    } else {
        v.extend([INPUT_PATH, OUTPUT_PATH, ASSIGN]);
    }
    v
}

fn wait(jsonata: bool) -> Vec<Field> {
    let mut v = flow(false);
    v.extend([
        f("Seconds", "How long to wait."),
        f("Timestamp", "Waits until this time (RFC 3339)."),
    ]);
    if jsonata {
        v.extend([OUTPUT, ASSIGN]);
    } else {
        v.extend([
            f("SecondsPath", "Reads the seconds to wait from the input."),
            f(
                "TimestampPath",
                "Reads the time to wait until from the input.",
            ),
            INPUT_PATH,
            OUTPUT_PATH,
            ASSIGN,
        ]);
    }
    v
}

fn succeed(jsonata: bool) -> Vec<Field> {
    let mut v = flow(true);
    if jsonata {
        v.push(OUTPUT);
    } else {
        v.extend([INPUT_PATH, OUTPUT_PATH]);
    }
    v
}

fn fail(jsonata: bool) -> Vec<Field> {
    let mut v = flow(true);
    v.extend([
        f("Error", "The error name the execution fails with."),
        f("Cause", "A readable explanation of the failure."),
    ]);
    if !jsonata {
        v.extend([
            f("ErrorPath", "Reads the error name from the input."),
            f("CausePath", "Reads the cause from the input."),
        ]);
    }
    v
}

fn parallel(jsonata: bool) -> Vec<Field> {
    let mut v = flow(false);
    v.push(f(
        "Branches",
        "Sub-workflows run at the same time on the same input.",
    ));
    if jsonata {
        v.extend([ARGUMENTS, OUTPUT, ASSIGN]);
    } else {
        v.extend([
            INPUT_PATH,
            PARAMETERS,
            RESULT_SELECTOR,
            RESULT_PATH,
            OUTPUT_PATH,
            ASSIGN,
        ]);
    }
    v.extend([RETRY, CATCH]);
    v
}

fn map(jsonata: bool) -> Vec<Field> {
    let mut v = flow(false);
    v.extend([
        f(
            "ItemProcessor",
            "The workflow each item runs through, and its ProcessorConfig (INLINE or DISTRIBUTED).",
        ),
        f(
            "ItemSelector",
            "Builds each iteration's input from the item and the state input.",
        ),
        f("ItemReader", "Reads the items from S3 (Distributed Map)."),
        f(
            "ItemBatcher",
            "Groups items into batches per iteration (Distributed Map).",
        ),
        f(
            "ResultWriter",
            "Writes the iterations' results to S3 (Distributed Map).",
        ),
        f(
            "MaxConcurrency",
            "At most this many iterations at once (0: no limit).",
        ),
        f(
            "ToleratedFailureCount",
            "Failed iterations allowed before the Map fails.",
        ),
        f(
            "ToleratedFailurePercentage",
            "Percentage of failed iterations allowed.",
        ),
        f("Label", "A name for the Map Run (Distributed Map)."),
    ]);
    if jsonata {
        v.extend([
            f(
                "Items",
                "The array to iterate over, as an expression or a literal.",
            ),
            OUTPUT,
            ASSIGN,
        ]);
    } else {
        v.extend([
            f("ItemsPath", "Selects the array to iterate over."),
            f("MaxConcurrencyPath", "Reads MaxConcurrency from the input."),
            f(
                "ToleratedFailureCountPath",
                "Reads ToleratedFailureCount from the input.",
            ),
            f(
                "ToleratedFailurePercentagePath",
                "Reads ToleratedFailurePercentage from the input.",
            ),
            f("Iterator", "Older name of ItemProcessor."),
            INPUT_PATH,
            PARAMETERS,
            RESULT_SELECTOR,
            RESULT_PATH,
            OUTPUT_PATH,
            ASSIGN,
        ]);
    }
    v.extend([RETRY, CATCH]);
    v
}

const COMPARED: [(&str, &str); 3] = [
    ("String", "strings"),
    ("Numeric", "numbers"),
    ("Timestamp", "timestamps"),
];

fn choice_rule_jsonpath() -> Vec<Field> {
    let mut v = vec![
        f("Variable", "The path of the value the rule tests."),
        f("Next", "The state to run when the rule matches."),
        f("And", "Matches when every rule in the list matches."),
        f("Or", "Matches when any rule in the list matches."),
        f("Not", "Matches when the rule inside does not."),
        f("Assign", "Variables set when this rule is taken."),
        f("Comment", "A note for readers."),
    ];
    let compare = [
        ("Equals", "equals"),
        ("LessThan", "is less than"),
        ("GreaterThan", "is greater than"),
        ("LessThanEquals", "is at most"),
        ("GreaterThanEquals", "is at least"),
    ];
    let mut push = |name: String, description: String| {
        v.push(Field {
            name: Cow::Owned(name),
            description: Cow::Owned(description),
        });
    };
    for (family, what) in COMPARED {
        for (op, verb) in compare {
            push(
                format!("{family}{op}"),
                format!("The value {verb} this constant (compares {what})."),
            );
            push(
                format!("{family}{op}Path"),
                format!("The value {verb} the value at this path (compares {what})."),
            );
        }
    }
    push("BooleanEquals".into(), "The value is this boolean.".into());
    push(
        "BooleanEqualsPath".into(),
        "The value equals the boolean at this path.".into(),
    );
    push(
        "StringMatches".into(),
        "The string matches this pattern (* is a wildcard).".into(),
    );
    for (is, what) in [
        ("IsNull", "null"),
        ("IsPresent", "present"),
        ("IsNumeric", "a number"),
        ("IsString", "a string"),
        ("IsBoolean", "a boolean"),
        ("IsTimestamp", "a timestamp"),
    ] {
        push(
            is.into(),
            format!("true: the value is {what}; false: it is not."),
        );
    }
    v
}

fn intrinsics() -> Vec<Intrinsic> {
    let i = |name, signature, description| Intrinsic {
        name,
        signature,
        description,
    };
    vec![
        i(
            "States.Format",
            "States.Format(template, value, ...)",
            "Fills each {} of the template with the next value.",
        ),
        i(
            "States.StringToJson",
            "States.StringToJson(text)",
            "Parses JSON text into a value.",
        ),
        i(
            "States.JsonToString",
            "States.JsonToString(value)",
            "Serialises a value as JSON text.",
        ),
        i(
            "States.Array",
            "States.Array(value, ...)",
            "An array of the arguments.",
        ),
        i(
            "States.ArrayPartition",
            "States.ArrayPartition(array, size)",
            "Splits an array into chunks of at most size items.",
        ),
        i(
            "States.ArrayContains",
            "States.ArrayContains(array, value)",
            "Whether the array holds the value.",
        ),
        i(
            "States.ArrayRange",
            "States.ArrayRange(start, end, step)",
            "The numbers from start to end (inclusive) by step.",
        ),
        i(
            "States.ArrayGetItem",
            "States.ArrayGetItem(array, index)",
            "The item at a zero-based index.",
        ),
        i(
            "States.ArrayLength",
            "States.ArrayLength(array)",
            "The number of items.",
        ),
        i(
            "States.ArrayUnique",
            "States.ArrayUnique(array)",
            "The array without duplicate items.",
        ),
        i(
            "States.Base64Encode",
            "States.Base64Encode(text)",
            "Encodes text as Base64.",
        ),
        i(
            "States.Base64Decode",
            "States.Base64Decode(base64)",
            "Decodes Base64 into text.",
        ),
        i(
            "States.Hash",
            "States.Hash(value, algorithm)",
            "Hex digest with MD5, SHA-1, SHA-256, SHA-384 or SHA-512.",
        ),
        i(
            "States.JsonMerge",
            "States.JsonMerge(object1, object2, false)",
            "Merges two objects (shallow; the second wins).",
        ),
        i(
            "States.MathRandom",
            "States.MathRandom(start, end[, seed])",
            "A random integer from start (inclusive) to end (exclusive).",
        ),
        i(
            "States.MathAdd",
            "States.MathAdd(number, number)",
            "The sum of two numbers.",
        ),
        i(
            "States.StringSplit",
            "States.StringSplit(text, delimiters)",
            "Splits text at any of the delimiter characters.",
        ),
        i("States.UUID", "States.UUID()", "A new version 4 UUID."),
    ]
}

/// The fields of a state type, given whether its query language is JSONata.
type FieldsOf = fn(bool) -> Vec<Field>;

pub fn vocabulary() -> Vocabulary {
    let types: [(&str, FieldsOf); 8] = [
        ("Pass", pass),
        ("Task", task),
        ("Choice", choice),
        ("Wait", wait),
        ("Succeed", succeed),
        ("Fail", fail),
        ("Parallel", parallel),
        ("Map", map),
    ];
    Vocabulary {
        top_level: vec![
            f("Comment", "What the state machine does."),
            f("StartAt", "The first state to run."),
            f("States", "The states, by name."),
            f(
                "QueryLanguage",
                "JSONPath (default) or JSONata for every state.",
            ),
            f("TimeoutSeconds", "The longest the execution may run."),
            f("Version", "The States Language version, \"1.0\"."),
        ],
        state_types: types
            .iter()
            .map(|(t, fields)| StateFields {
                state_type: t,
                jsonpath: fields(false),
                jsonata: fields(true),
            })
            .collect(),
        choice_rule_jsonpath: choice_rule_jsonpath(),
        choice_rule_jsonata: vec![
            f(
                "Condition",
                "A {% %} expression; the rule matches when it is true.",
            ),
            f("Next", "The state to run when the rule matches."),
            OUTPUT,
            ASSIGN,
            COMMENT,
        ],
        retry: vec![
            f(
                "ErrorEquals",
                "The error names this retrier handles (States.ALL: any).",
            ),
            f(
                "IntervalSeconds",
                "Seconds before the first retry (default 1).",
            ),
            f(
                "MaxAttempts",
                "Retries at most this many times (default 3; 0: never).",
            ),
            f(
                "BackoffRate",
                "Multiplies the interval after each retry (default 2).",
            ),
            f("MaxDelaySeconds", "Caps the interval between retries."),
            f(
                "JitterStrategy",
                "FULL randomises each interval; NONE (default) does not.",
            ),
            COMMENT,
        ],
        catch_jsonpath: vec![
            f(
                "ErrorEquals",
                "The error names this catcher handles (States.ALL: any).",
            ),
            f("Next", "The state to recover in."),
            f(
                "ResultPath",
                "Where the error output goes in the state's input.",
            ),
            ASSIGN,
            COMMENT,
        ],
        catch_jsonata: vec![
            f(
                "ErrorEquals",
                "The error names this catcher handles (States.ALL: any).",
            ),
            f("Next", "The state to recover in."),
            f(
                "Output",
                "The recovering state's input; $states.errorOutput holds the error.",
            ),
            ASSIGN,
            COMMENT,
        ],
        intrinsics: intrinsics(),
        jsonata_states: vec![
            f("$states.input", "The state's input."),
            f(
                "$states.result",
                "The Task, Parallel or Map result (in Output and Assign).",
            ),
            f(
                "$states.errorOutput",
                "The error caught (in a Catch's Output and Assign).",
            ),
            f(
                "$states.context",
                "The context object: Execution, State, StateMachine, Task, Map.",
            ),
        ],
    }
}

/// Every state name of a definition, nested ones (Parallel branches, Map processors)
/// included, in document order, for completing `StartAt`, `Next` and `Default`.
pub fn state_names(definition: &Value) -> Vec<String> {
    fn collect(m: &Value, out: &mut Vec<String>) {
        for (name, st) in m
            .get("States")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            out.push(name.clone());
            for b in st
                .get("Branches")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                collect(b, out);
            }
            if let Some(p) = st.get("ItemProcessor").or_else(|| st.get("Iterator")) {
                collect(p, out);
            }
        }
    }
    let mut out = Vec::new();
    collect(definition, &mut out);
    out
}
