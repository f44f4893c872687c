//! The Practice section's grading: the exercise (which the page fetched and holds) and the
//! learner's answer in, the engines' verdict out. The worker keeps nothing between gradings,
//! so a grade depends only on its request.

use stepbridge_inspect::practice::{Answer, Exercise};
use stepbridge_inspect::protocol::Response;

pub fn grade(exercise: &Exercise, answer: &Answer) -> Response {
    Response::Graded {
        exercise: exercise.id.clone(),
        grade: Box::new(stepbridge_practice::grade(exercise, answer)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Session;
    use serde_json::{json, Value};
    use stepbridge_inspect::practice::{Answer, Exercise};
    use stepbridge_inspect::protocol::{Envelope, Request};

    const RETRY: &str = include_str!("../../../../static/exercises/workflow-retry-then-catch.json");
    const PATTERN: &str =
        include_str!("../../../../static/exercises/pattern-large-photo-uploads.json");

    /// A Grade request through the session's JSON text interface, as the page sends it.
    fn ask(session: &mut Session, exercise: &str, answer: Answer) -> Value {
        let exercise: Exercise = serde_json::from_str(exercise).unwrap();
        let text = serde_json::to_string(&Envelope {
            id: 41,
            body: Request::Grade {
                exercise: Box::new(exercise),
                answer,
            },
        })
        .unwrap();
        let mut replies = Vec::new();
        session.handle_text(&text, &mut |r| replies.push(r));
        assert_eq!(replies.len(), 1, "a grade comes back in one reply");
        let reply: Value = serde_json::from_str(&replies[0]).unwrap();
        assert_eq!(reply["id"], 41);
        reply
    }

    #[test]
    fn a_grade_request_is_answered_case_by_case_with_the_golf_score() {
        let mut session = Session::default();
        let exercise: Exercise = serde_json::from_str(RETRY).unwrap();
        let solved = ask(&mut session, RETRY, exercise.solution.clone());
        assert_eq!(solved["kind"], "graded");
        assert_eq!(solved["exercise"], "workflow-retry-then-catch");
        assert_eq!(solved["grade"]["passed"], true, "{solved}");
        let cases = solved["grade"]["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 4);
        assert_eq!(
            solved["grade"]["transitions"],
            solved["grade"]["modelTransitions"]
        );

        let starter = ask(&mut session, RETRY, exercise.starter.clone());
        let grade = &starter["grade"];
        assert_eq!(grade["passed"], false);
        let first = &grade["cases"][0];
        assert_eq!(first["passed"], false);
        assert_eq!(first["state"], "Charge");
        assert_eq!(first["expected"], json!([2, 4]));
        assert_eq!(first["actual"], json!([1, 2]));
        // Hidden cases come back without their data.
        for hidden in grade["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["hidden"] == true)
        {
            assert!(
                hidden["expected"].is_null() && hidden["actual"].is_null(),
                "{hidden}"
            );
            assert!(!hidden["message"].as_str().unwrap().is_empty());
        }
        assert!(grade["transitions"].as_u64().unwrap() > 0);
    }

    #[test]
    fn a_faulty_answer_comes_back_with_placed_diagnostics_and_no_cases() {
        let mut session = Session::default();
        let reply = ask(
            &mut session,
            PATTERN,
            Answer {
                pattern: "{\n  \"source\": [\"aws.s3\"],\n  \"detail\": {\"size\": [{\"numeric\": [\">=\"]}]}\n}".into(),
                ..Answer::default()
            },
        );
        assert_eq!(reply["kind"], "graded");
        let grade = &reply["grade"];
        assert_eq!(grade["passed"], false);
        assert_eq!(grade["field"], "pattern");
        assert_eq!(grade["cases"], json!([]));
        let d = &grade["diagnostics"][0];
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], 3, "{d}");
    }
}
