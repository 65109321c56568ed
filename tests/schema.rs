//! `tm schema` prints the schema the loader enforces: an independent JSON
//! Schema validator accepts exactly the fixtures the loader reads without a
//! structural error, and rejects the others.

mod common;

use common::{TempProject, fixtures};

const STRUCTURAL: [&str; 4] = ["TM010", "TM011", "TM012", "TM013"];

#[test]
fn schema_and_loader_agree_on_every_fixture() {
    let out = TempProject::new()
        .tm(&["schema"])
        .output()
        .expect("run tm schema");
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");

    let dir = fixtures().join("rules");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        // Files that are not YAML mappings at all are the parser's business, not the schema's.
        let Ok(instance) = yaml_1_2(&text) else {
            continue;
        };
        if !instance.is_object() || instance.get("tm") != Some(&serde_json::Value::from(1)) {
            continue;
        }
        let project = TempProject::new();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        project.write(&format!("models/{name}"), &text);
        let (_, report) = project.check_json(&[]);
        let loader_structural = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| STRUCTURAL.contains(&d["code"].as_str().expect("code")));
        let schema_errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            loader_structural,
            !schema_errors.is_empty(),
            "{name}: loader structural errors = {loader_structural}, schema errors = {schema_errors:?}"
        );
        compared += 1;
    }
    assert!(compared >= 15, "only {compared} fixtures compared");
}

#[test]
fn schema_can_be_written_to_a_file() {
    let project = TempProject::new();
    project
        .tm(&["schema", "--output", "tm-schema.json"])
        .assert()
        .success();
    let text = std::fs::read_to_string(project.root().join("tm-schema.json")).expect("written");
    assert!(text.contains("\"additionalProperties\": false"));
}

/// Parses YAML as tm does: YAML 1.2 booleans (`y`, `yes`, `on` are text).
fn yaml_1_2(text: &str) -> Result<serde_json::Value, serde_saphyr::Error> {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.underscored_numbers_as_strings = true;
    serde_saphyr::from_str_with_options(text, options)
}
