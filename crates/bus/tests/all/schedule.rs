//! Schedule expressions.
//! Rules: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
//! (the same text as eb-create-rule-schedule in the user guide's source).
//! Scheduler: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html

use chrono::{DateTime, Utc};
use stepbridge_bus::schedule::{format_time, parse, Flavor, Schedule};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn rule(expr: &str) -> Schedule {
    parse(expr, None, Flavor::Rule).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

fn next(s: &Schedule, from: &str, n: usize) -> Vec<String> {
    s.next_fire_times(t(from), t(from), n)
        .into_iter()
        .map(format_time)
        .collect()
}

fn rule_error(expr: &str) -> (Option<String>, String) {
    let e = parse(expr, None, Flavor::Rule).expect_err(expr);
    assert_eq!(e.error, "ValidationException");
    assert!(
        e.message
            .starts_with("Parameter ScheduleExpression is not valid. Reason: "),
        "{}",
        e.message
    );
    (e.field, e.message)
}

// Doc example: "Run at 10:00 am (UTC+0) every day" = cron(0 10 * * ? *).
#[test]
fn cron_every_day_at_ten() {
    let s = rule("cron(0 10 * * ? *)");
    assert_eq!(
        next(&s, "2024-01-01T10:00:00Z", 3),
        [
            "2024-01-02T10:00:00Z",
            "2024-01-03T10:00:00Z",
            "2024-01-04T10:00:00Z"
        ]
    );
}

// Doc example: "Run at 6:00 pm every Monday through Friday" = cron(0 18 ? * MON-FRI *).
#[test]
fn cron_weekdays_by_name() {
    let s = rule("cron(0 18 ? * MON-FRI *)");
    // 2024-01-05 is a Friday: the next fires skip the weekend.
    assert_eq!(
        next(&s, "2024-01-05T12:00:00Z", 3),
        [
            "2024-01-05T18:00:00Z",
            "2024-01-08T18:00:00Z",
            "2024-01-09T18:00:00Z"
        ]
    );
}

// Doc example: "Run at 8:00 am every 1st day of the month" = cron(0 8 1 * ? *).
#[test]
fn cron_first_of_month() {
    let s = rule("cron(0 8 1 * ? *)");
    assert_eq!(
        next(&s, "2024-01-15T00:00:00Z", 2),
        ["2024-02-01T08:00:00Z", "2024-03-01T08:00:00Z"]
    );
}

// Doc example: "Run every 15 minutes" = cron(0/15 * * * ? *).
#[test]
fn cron_slash_increment() {
    let s = rule("cron(0/15 * * * ? *)");
    assert_eq!(
        next(&s, "2024-01-01T00:07:00Z", 3),
        [
            "2024-01-01T00:15:00Z",
            "2024-01-01T00:30:00Z",
            "2024-01-01T00:45:00Z"
        ]
    );
    // "1/10 ... the 11th, 21st, and 31st minute"
    let s = rule("cron(1/10 * * * ? *)");
    assert_eq!(
        next(&s, "2024-01-01T00:05:00Z", 3),
        [
            "2024-01-01T00:11:00Z",
            "2024-01-01T00:21:00Z",
            "2024-01-01T00:31:00Z"
        ]
    );
}

// Doc example: "every 30 minutes Monday through Friday between 10:00 pm on the starting day
// to 2:00 am on the following day" = cron(0/30 20-2 ? * MON-FRI *): the hour range wraps.
#[test]
fn cron_wrapping_hour_range() {
    let s = rule("cron(0/30 20-2 ? * MON-FRI *)");
    // Monday 20:00 .. 23:30 (8 fires), then Tuesday 00:00 .. 02:30 (6 fires), then Tuesday 20:00.
    let times = next(&s, "2024-01-01T19:00:00Z", 15);
    assert_eq!(times[0], "2024-01-01T20:00:00Z");
    assert_eq!(times[7], "2024-01-01T23:30:00Z");
    assert_eq!(times[8], "2024-01-02T00:00:00Z");
    assert_eq!(times[13], "2024-01-02T02:30:00Z");
    assert_eq!(times[14], "2024-01-02T20:00:00Z");
}

// The remaining rows of the doc's example table.
#[test]
fn cron_doc_table_rows() {
    // "Run at 12:15 pm (UTC+0) every day"
    assert_eq!(
        next(&rule("cron(15 12 * * ? *)"), "2024-01-01T12:15:00Z", 1),
        ["2024-01-02T12:15:00Z"]
    );
    // "Run every 10 minutes Monday through Friday" (2024-01-06 is a Saturday)
    assert_eq!(
        next(
            &rule("cron(0/10 * ? * MON-FRI *)"),
            "2024-01-05T23:45:00Z",
            2
        ),
        ["2024-01-05T23:50:00Z", "2024-01-08T00:00:00Z"]
    );
    // "Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm"
    let s = rule("cron(0/5 8-17 ? * MON-FRI *)");
    assert_eq!(
        next(&s, "2024-01-08T17:50:00Z", 2),
        ["2024-01-08T17:55:00Z", "2024-01-09T08:00:00Z"]
    );
    // Every fire of one weekday: 10 hours x 12 = 120.
    let day = next(&s, "2024-01-08T00:00:00Z", 121);
    assert_eq!(
        day.iter().filter(|t| t.starts_with("2024-01-08")).count(),
        120
    );
}

// Doc example: cron(5,35 14 * * ? *) runs at 2:05pm and 2:35pm.
#[test]
fn cron_comma_list() {
    let s = rule("cron(5,35 14 * * ? *)");
    assert_eq!(
        next(&s, "2024-01-01T00:00:00Z", 3),
        [
            "2024-01-01T14:05:00Z",
            "2024-01-01T14:35:00Z",
            "2024-01-02T14:05:00Z"
        ]
    );
}

// Doc example: cron(15 10 ? * 6L 2019-2022) runs on the last Friday of each month, 2019-2022.
#[test]
fn cron_last_friday_with_year_range() {
    let s = rule("cron(15 10 ? * 6L 2019-2022)");
    assert_eq!(
        next(&s, "2019-01-01T00:00:00Z", 2),
        ["2019-01-25T10:15:00Z", "2019-02-22T10:15:00Z"]
    );
    // After the last allowed year there is nothing more.
    assert_eq!(next(&s, "2022-12-31T00:00:00Z", 1), Vec::<String>::new());
}

// "L in the Day-of-month field specifies the last day of the month".
#[test]
fn cron_last_day_of_month() {
    let s = rule("cron(0 0 L * ? *)");
    assert_eq!(
        next(&s, "2024-01-31T00:00:00Z", 3),
        [
            "2024-02-29T00:00:00Z",
            "2024-03-31T00:00:00Z",
            "2024-04-30T00:00:00Z"
        ]
    );
}

// "3W specifies the weekday closest to the third day of the month".
#[test]
fn cron_nearest_weekday() {
    let s = rule("cron(0 9 3W * ? *)");
    // Feb 3 2024 is a Saturday -> Friday Feb 2; Mar 3 2024 is a Sunday -> Monday Mar 4.
    assert_eq!(
        next(&s, "2024-01-31T00:00:00Z", 2),
        ["2024-02-02T09:00:00Z", "2024-03-04T09:00:00Z"]
    );
}

// "3#2 would be the second Tuesday of the month".
#[test]
fn cron_nth_weekday() {
    let s = rule("cron(0 12 ? * 3#2 *)");
    assert_eq!(
        next(&s, "2024-01-01T00:00:00Z", 2),
        ["2024-01-09T12:00:00Z", "2024-02-13T12:00:00Z"]
    );
}

// Month names: "JAN,FEB,MAR includes January, February, and March".
#[test]
fn cron_month_names() {
    let s = rule("cron(0 0 1 JAN,FEB,MAR ? *)");
    assert_eq!(
        next(&s, "2024-02-15T00:00:00Z", 2),
        ["2024-03-01T00:00:00Z", "2025-01-01T00:00:00Z"]
    );
}

// "You can't specify the Day-of-month and Day-of-week fields in the same cron expression."
#[test]
fn cron_both_day_fields_rejected() {
    let (field, message) = rule_error("cron(0 10 * * MON *)");
    assert_eq!(field.as_deref(), Some("Day-of-month"));
    assert!(message.contains("must be '?'"), "{message}");
    let (_, message) = rule_error("cron(0 10 ? * ? *)");
    assert!(message.contains("both '?'"), "{message}");
}

// "If you use a '#' character, you can define only one expression in the day-of-week field."
#[test]
fn cron_hash_single_expression() {
    let (field, message) = rule_error("cron(0 0 ? * 3#1,6#3 *)");
    assert_eq!(field.as_deref(), Some("Day-of-week"));
    assert!(message.contains("single expression"), "{message}");
}

// Field ranges from the table: Minutes 0-59, Hours 0-23, Day-of-month 1-31, Month 1-12,
// Day-of-week 1-7, Year 1970-2199; six fields are required.
#[test]
fn cron_out_of_range_names_the_field() {
    for (expr, field) in [
        ("cron(60 0 * * ? *)", "Minutes"),
        ("cron(0 24 * * ? *)", "Hours"),
        ("cron(0 0 32 * ? *)", "Day-of-month"),
        ("cron(0 0 1 13 ? *)", "Month"),
        ("cron(0 0 ? * 8 *)", "Day-of-week"),
        ("cron(0 0 1 * ? 2200)", "Year"),
        ("cron(0 0 ? * FOO *)", "Day-of-week"),
        ("cron(0/0 0 1 * ? *)", "Minutes"),
    ] {
        let (f, message) = rule_error(expr);
        assert_eq!(f.as_deref(), Some(field), "{expr}: {message}");
        assert!(message.contains("allowed:"), "{message}");
    }
    let (_, message) = rule_error("cron(0 0 * * ?)");
    assert!(message.contains("six"), "{message}");
    // '?' and 'L' are not wildcards of the Minutes field.
    assert_eq!(
        rule_error("cron(? 0 * * ? *)").0.as_deref(),
        Some("Minutes")
    );
}

// Rate: "rate(1 hours) and rate(5 hour) aren't valid, but rate(1 hour) and rate(5 hours) are".
#[test]
fn rate_singular_plural() {
    assert!(parse("rate(1 hour)", None, Flavor::Rule).is_ok());
    assert!(parse("rate(5 hours)", None, Flavor::Rule).is_ok());
    let (field, message) = rule_error("rate(1 hours)");
    assert_eq!(field.as_deref(), Some("unit"));
    assert!(message.contains("singular"), "{message}");
    let (_, message) = rule_error("rate(5 hour)");
    assert!(message.contains("plural"), "{message}");
    assert_eq!(rule_error("rate(0 minutes)").0.as_deref(), Some("value"));
    assert_eq!(rule_error("rate(5 weeks)").0.as_deref(), Some("unit"));
}

// "A rate expression starts when you create the scheduled event rule".
#[test]
fn rate_counts_from_creation() {
    let s = rule("rate(5 minutes)");
    assert_eq!(
        next(&s, "2024-01-01T00:00:30Z", 3),
        [
            "2024-01-01T00:05:30Z",
            "2024-01-01T00:10:30Z",
            "2024-01-01T00:15:30Z"
        ]
    );
    let s = rule("rate(1 day)");
    assert_eq!(
        next(&s, "2024-01-01T00:00:00Z", 1),
        ["2024-01-02T00:00:00Z"]
    );
}

// Scheduler: "If you do not provide StartDate for a rate-based schedule, your schedule starts
// invoking the target immediately".
#[test]
fn scheduler_rate_starts_immediately() {
    let s = parse("rate(2 hours)", None, Flavor::Scheduler).unwrap();
    let from = t("2024-01-01T00:00:00Z");
    let fires: Vec<String> = s
        .next_fire_times(t("2023-12-31T23:59:59Z"), from, 2)
        .into_iter()
        .map(format_time)
        .collect();
    assert_eq!(fires, ["2024-01-01T00:00:00Z", "2024-01-01T02:00:00Z"]);
}

// Scheduler one-time schedules: at(yyyy-mm-ddThh:mm:ss) in the schedule's time zone.
#[test]
fn at_in_time_zone() {
    let s = parse(
        "at(2024-07-01T09:30:00)",
        Some("America/New_York"),
        Flavor::Scheduler,
    )
    .unwrap();
    assert_eq!(
        next(&s, "2024-06-01T00:00:00Z", 3),
        ["2024-07-01T13:30:00Z"]
    );
    assert!(next(&s, "2024-07-02T00:00:00Z", 1).is_empty());
    let e = parse("at(2024-07-01 09:30)", None, Flavor::Scheduler).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("at"));
    let e = parse("at(2024-02-30T00:00:00)", None, Flavor::Scheduler).unwrap_err();
    assert!(e.message.contains("calendar"), "{}", e.message);
    // Rules don't take at(), nor time zones.
    assert!(parse("at(2024-07-01T09:30:00)", None, Flavor::Rule).is_err());
    assert!(parse("cron(0 1 * * ? *)", Some("Europe/Paris"), Flavor::Rule).is_err());
    let e = parse("cron(0 1 * * ? *)", Some("Mars/Olympus"), Flavor::Scheduler).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("timezone"));
}

// Scheduler daylight saving time: a time skipped by spring-forward does not run; a time
// repeated by fall-back runs once.
#[test]
fn cron_in_zone_across_dst() {
    let s = parse(
        "cron(30 2 * * ? *)",
        Some("America/New_York"),
        Flavor::Scheduler,
    )
    .unwrap();
    // 2024-03-10 02:30 does not exist in New York.
    assert_eq!(
        next(&s, "2024-03-09T00:00:00Z", 2),
        ["2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z"]
    );
    let s = parse(
        "cron(30 1 * * ? *)",
        Some("America/New_York"),
        Flavor::Scheduler,
    )
    .unwrap();
    // 2024-11-03 01:30 happens twice; it runs once, at the first (EDT, UTC-4).
    assert_eq!(
        next(&s, "2024-11-03T00:00:00Z", 2),
        ["2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"]
    );
}

#[test]
fn malformed_expressions_do_not_panic() {
    for expr in [
        "",
        "cron(",
        "rate()",
        "cron()",
        "rate(99999999999 minutes)",
        "cron(* * * * * * *)",
        "cron(0 0 L-3 * ? *)",
        "cron(0 0 ? * #2 *)",
        "cron(0 0 ? * 3# *)",
        "cron(-1 0 * * ? *)",
        "cron(0 0 1-  * ? *)",
        "cron(,, 0 * * ? *)",
        "cron(0 0 ? * L5 *)",
        "at()",
        "cronx(0)",
        "rate(4294967295 days)",
    ] {
        let _ = parse(expr, None, Flavor::Rule);
        if let Ok(s) = parse(expr, None, Flavor::Scheduler) {
            let _ = s.next_fire_times(t("2024-01-01T00:00:00Z"), t("2024-01-01T00:00:00Z"), 3);
        }
    }
    // The largest rate still yields a time (or none) without overflow.
    let s = parse("rate(4294967295 days)", None, Flavor::Rule).unwrap();
    let _ = s.next_fire_times(t("2024-01-01T00:00:00Z"), t("2024-01-01T00:00:00Z"), 2);
}
