use stepbridge_events::matcher::{parse_rules, RuleSet};
#[test]
fn dbg() {
    let rules = std::fs::read_to_string("/tmp/grp_complex_arrays.json").unwrap();
    let rules = parse_rules(&rules).unwrap();
    let set = RuleSet::compile(&rules);
    let data = std::fs::read("/tmp/ev20k.jsonl").unwrap();
    let mut n = 0;
    for line in data.split(|&c| c == b'\n').filter(|l| !l.is_empty()).take(3000) {
        let got = set.matching(line).unwrap();
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        let want: Vec<usize> = (0..rules.len()).filter(|&i| rules[i].1.matches(&v)).collect();
        if got != want && n < 3 { n += 1; println!("{got:?} {want:?} {}", String::from_utf8_lossy(line)); }
    }
    println!("{set:#?}");
}
