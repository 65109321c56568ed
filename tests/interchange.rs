//! `tm import` and `tm export otm|tm-bom` on the formats' own public
//! examples (tests/fixtures/interchange/): every example imports, loads in
//! `tm check` without a structural error, accounts for every element; the
//! exports validate against the vendored schemas; OTM and TM-BOM survive a
//! round trip with their elements and links.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{TempProject, fixtures};
use serde_json::Value;
use tm::import::{Format, import_file};

fn examples() -> Vec<(&'static str, Format, PathBuf)> {
    let dir = fixtures().join("interchange");
    let mut out = Vec::new();
    for (sub, name, format) in [
        ("otm", "otm", Format::Otm),
        ("threagile", "threagile", Format::Threagile),
        ("tm-bom", "tm-bom", Format::TmBom),
        ("threat-composer", "threat-composer", Format::ThreatComposer),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
            .expect("fixture dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                !n.contains("schema") && !n.ends_with(".md")
            })
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (name, format, f)));
    }
    out
}

/// Structure (TM0xx), duplicate ids and dangling references.
fn structural(code: &str) -> bool {
    code.starts_with("TM0") && code != "TM005" || code == "TM101" || code == "TM102"
}

#[test]
fn every_public_example_imports_and_loads_without_structural_errors() {
    let mut n = 0;
    for (format, _, file) in examples() {
        n += 1;
        let project = TempProject::new();
        let report = project.root().join("report.txt");
        let out = project
            .tm(&[
                "import",
                format,
                file.to_str().unwrap(),
                "-o",
                "models/imported.yaml",
                "--report",
                report.to_str().unwrap(),
            ])
            .output()
            .expect("run tm import");
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(project.root().join("models/imported.yaml"))
            .expect("model written");
        assert!(text.starts_with("# Imported by `tm import"), "{text}");
        assert!(
            std::fs::read_to_string(&report)
                .expect("report")
                .contains("import report")
        );
        let (_, report) = project.check_json(&[]);
        let bad: Vec<String> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| structural(d["code"].as_str().unwrap_or("")))
            .map(|d| d.to_string())
            .collect();
        assert!(bad.is_empty(), "{}: {bad:#?}", file.display());
    }
    assert!(n >= 12, "only {n} examples");
}

/// Counts of the source match the model, or the report says why, for every example.
#[test]
fn nothing_is_lost_silently() {
    for (_, format, file) in examples() {
        let imported =
            import_file(format, &file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let r = &imported.report;
        assert!(
            r.unexplained().is_empty(),
            "{}: {:?}",
            file.display(),
            r.unexplained()
        );
        assert!(
            r.counts.iter().any(|c| c.what == "threats"),
            "{}",
            file.display()
        );
        let threats = r.counts.iter().find(|c| c.what == "threats").unwrap();
        assert_eq!(threats.imported, imported.model.threats.len());
    }
}

fn schema_validator(rel: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("interchange").join(rel)).expect("schema"),
    )
    .expect("schema JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// Every example, whatever its source format, exports to schema-valid OTM and TM-BOM.
#[test]
fn exports_of_every_example_validate_against_the_schemas() {
    let otm = schema_validator("otm/otm_schema.json");
    let bom = schema_validator("tm-bom/threat-model.schema.json");
    for (_, format, file) in examples() {
        let model = import_file(format, &file).expect("import").model;
        assert_valid(
            &otm,
            &tm::interchange::otm::export(&model),
            &format!("otm of {}", file.display()),
        );
        assert_valid(
            &bom,
            &tm::interchange::tm_bom::export(&model),
            &format!("tm-bom of {}", file.display()),
        );
    }
}

#[test]
fn tm_s_own_models_export_through_the_binary_and_validate() {
    let otm = schema_validator("otm/otm_schema.json");
    let bom = schema_validator("tm-bom/threat-model.schema.json");
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/payments-api.yaml");
    let project = TempProject::new();
    project.write("models/p.yaml", &std::fs::read_to_string(&model).unwrap());
    for (format, validator) in [("otm", &otm), ("tm-bom", &bom)] {
        let out = project
            .tm(&["export", format, "payments-api"])
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_valid(validator, &doc, format);
    }
    // The only model of the project, to a file.
    let out = project
        .tm(&["export", "otm", "-o", "out.json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(project.root().join("out.json")).unwrap())
            .unwrap();
    assert_valid(&otm, &doc, "otm by id");
}

fn strs(v: &Value, list: &str, key: &str) -> BTreeSet<String> {
    v[list]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x[key].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// (element, threat, mitigation) for every threat instance and its mitigations.
fn otm_links(doc: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for list in ["components", "dataflows"] {
        for e in doc[list].as_array().into_iter().flatten() {
            for t in e["threats"].as_array().into_iter().flatten() {
                let el = e["id"].as_str().unwrap().to_owned();
                let th = t["threat"].as_str().unwrap().to_owned();
                out.insert((el.clone(), th.clone(), String::new()));
                for m in t["mitigations"].as_array().into_iter().flatten() {
                    out.insert((
                        el.clone(),
                        th.clone(),
                        m["mitigation"].as_str().unwrap().to_owned(),
                    ));
                }
            }
        }
    }
    out
}

fn yaml_or_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| {
        // The YAML example: read it through tm's own importer's parser by
        // comparing against its JSON twin instead.
        serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap())
            .unwrap()
    })
}

#[test]
fn otm_round_trip_keeps_elements_and_links() {
    let otm = schema_validator("otm/otm_schema.json");
    for name in ["EXAMPLE.json", "EXAMPLE.yaml"] {
        let path = fixtures().join("interchange/otm").join(name);
        let source = yaml_or_json(&path);
        let model = import_file(Format::Otm, &path).expect("import").model;
        let back = tm::interchange::otm::export(&model);
        assert_valid(&otm, &back, name);
        for (list, key) in [
            ("components", "id"),
            ("dataflows", "id"),
            ("trustZones", "id"),
            ("threats", "id"),
            ("mitigations", "id"),
            ("assets", "id"),
        ] {
            assert_eq!(
                strs(&source, list, key),
                strs(&back, list, key),
                "{name}: {list}"
            );
        }
        assert_eq!(otm_links(&source), otm_links(&back), "{name}: links");
        // Component parents, types and dataflow ends come back too.
        for list in ["components", "dataflows"] {
            for (a, b) in source[list]
                .as_array()
                .unwrap()
                .iter()
                .zip(back[list].as_array().unwrap())
            {
                for key in ["parent", "type", "source", "destination", "tags"] {
                    if !a[key].is_null() {
                        assert_eq!(a[key], b[key], "{name}: {list}.{key}");
                    }
                }
            }
        }
    }
}

fn bom_links(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for c in doc["controls"].as_array().into_iter().flatten() {
        for t in c["threats"].as_array().into_iter().flatten() {
            out.insert((
                c["symbolic_name"].as_str().unwrap().into(),
                t.as_str().unwrap().into(),
            ));
        }
    }
    for t in doc["threats"].as_array().into_iter().flatten() {
        for c in t["components_affected"].as_array().into_iter().flatten() {
            out.insert((
                t["symbolic_name"].as_str().unwrap().into(),
                c.as_str().unwrap().into(),
            ));
        }
    }
    for f in doc["data_flows"].as_array().into_iter().flatten() {
        let s = f["symbolic_name"].as_str().unwrap().to_owned();
        out.insert((s.clone(), f["source"]["object"].as_str().unwrap().into()));
        out.insert((s, f["destination"]["object"].as_str().unwrap().into()));
    }
    out
}

#[test]
fn tm_bom_round_trip_keeps_elements_and_links() {
    let bom = schema_validator("tm-bom/threat-model.schema.json");
    let dir = fixtures().join("interchange/tm-bom");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains("schema")
        {
            continue;
        }
        n += 1;
        let source: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let model = import_file(Format::TmBom, &path).expect("import").model;
        let back = tm::interchange::tm_bom::export(&model);
        assert_valid(&bom, &back, &path.display().to_string());
        for list in [
            "trust_zones",
            "actors",
            "components",
            "data_stores",
            "data_sets",
            "data_flows",
            "threats",
            "controls",
            "risks",
        ] {
            // Every element comes back; zones and actors the source uses
            // but never defines are added (the report names each).
            let (a, b) = (
                strs(&source, list, "symbolic_name"),
                strs(&back, list, "symbolic_name"),
            );
            assert!(
                a.is_subset(&b),
                "{}: {list}: {:?}",
                path.display(),
                a.difference(&b).collect::<Vec<_>>()
            );
            if !["trust_zones", "actors", "components"].contains(&list) {
                assert_eq!(a, b, "{}: {list}", path.display());
            }
        }
        let pairs = |d: &Value| -> BTreeSet<(String, String)> {
            d["trust_boundaries"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|b| {
                    (
                        b["trust_zone_a"].as_str().unwrap().into(),
                        b["trust_zone_b"].as_str().unwrap().into(),
                    )
                })
                .collect()
        };
        assert_eq!(
            pairs(&source),
            pairs(&back),
            "{}: boundaries",
            path.display()
        );
        let (a, b) = (bom_links(&source), bom_links(&back));
        assert!(
            a.is_subset(&b),
            "{}: links lost: {:?}",
            path.display(),
            a.difference(&b).collect::<Vec<_>>()
        );
        assert_eq!(
            source["assumptions"],
            back["assumptions"],
            "{}: assumptions",
            path.display()
        );
    }
    assert_eq!(n, 4);
}

#[test]
fn bad_input_is_refused_with_a_position_and_nothing_is_written() {
    let project = TempProject::new();
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "otm",
            "bad.json",
            "{\n  \"otmVersion\": \"0.2.0\",\n  \"project\" {}\n}\n",
            "bad.json:3:13: invalid JSON",
        ),
        (
            "threagile",
            "bad.yaml",
            "title: x\ntechnical_assets:\n  a: [unclosed\n",
            "bad.yaml:",
        ),
        (
            "threagile",
            "otm.json",
            "{\"otmVersion\": \"0.2.0\", \"project\": {\"name\": \"p\", \"id\": \"p\"}}",
            "does not look like a Threagile file",
        ),
        (
            "otm",
            "dangling.yaml",
            "otmVersion: 0.2.0\nproject: {name: p, id: p}\ntrustZones: [{id: z, name: Z, risk: {trustRating: 1}}]\ncomponents:\n  - {id: a, name: A, type: web, parent: {trustZone: z}}\ndataflows:\n  - id: f\n    name: F\n    source: a\n    destination: nowhere\n",
            "dangling.yaml:10:18: `nowhere` names no component",
        ),
        (
            "threagile",
            "dangling-link.yaml",
            "threagile_version: 1.0.0\ntitle: t\ntechnical_assets:\n  A:\n    id: a\n    type: process\n    communication_links:\n      L:\n        target: nowhere\n",
            "dangling-link.yaml:9:17: `nowhere` names no technical asset",
        ),
    ];
    for (format, name, text, expected) in cases {
        let input = project.write(name, text);
        let out = project
            .tm(&[
                "import",
                format,
                input.to_str().unwrap(),
                "-o",
                "models/out.yaml",
            ])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(
            !project.root().join("models/out.yaml").exists(),
            "{name}: partial model written"
        );
    }
}

#[test]
fn an_existing_model_is_kept_unless_forced() {
    let project = TempProject::new();
    let existing = project.write("models/keep.yaml", "precious\n");
    let src = fixtures().join("interchange/otm/EXAMPLE.json");
    let args = [
        "import",
        "otm",
        src.to_str().unwrap(),
        "-o",
        "models/keep.yaml",
    ];
    let out = project.tm(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious\n");
    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(project.tm(&forced).output().unwrap().status.success());
    assert!(std::fs::read_to_string(&existing).unwrap().contains("otm"));
    // Without -o the model goes to stdout and the report to stderr.
    let out = project
        .tm(&["import", "otm", src.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("tm: 1"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("import report"));
}

#[test]
fn threagile_decisions_keep_who_and_when_or_become_drafts() {
    let path = fixtures().join("interchange/threagile/example.yaml");
    let model = import_file(Format::Threagile, &path).expect("import").model;
    let accepted = model
        .threats
        .iter()
        .find(|t| t.id.as_str().starts_with("untrusted-deserialization"))
        .expect("risk_tracking entry imported");
    let acc = accepted.acceptance.as_ref().expect("who and when recorded");
    assert_eq!(acc.by, "John Doe");
    assert_eq!(acc.at.to_string(), "2020-01-04");
    assert!(
        accepted
            .annotations
            .iter()
            .any(|a| a.key == "tracking.ticket" && a.value == "XYZ-1234")
    );
    // Nested trust boundaries become zones and boundaries.
    assert!(model.boundaries.iter().any(|b| {
        b.between
            .iter()
            .any(|z| z.as_str() == "application-network")
            && b.between.iter().any(|z| z.as_str() == "web-dmz")
    }));
    let web = model
        .components
        .iter()
        .find(|c| c.id.as_str() == "apache-webserver")
        .expect("asset");
    assert_eq!(web.zone.as_ref().map(|z| z.as_str()), Some("web-dmz"));
}

#[test]
fn threat_composer_keeps_statements_links_and_assumptions() {
    let path = fixtures().join("interchange/threat-composer/ThreatComposer.tc.json");
    let source: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let model = import_file(Format::ThreatComposer, &path)
        .expect("import")
        .model;
    let imported = tm::import::import_file(Format::ThreatComposer, &path).unwrap();
    let links: usize = model.threats.iter().map(|t| t.mitigations.len()).sum();
    let dropped = imported
        .report
        .unmapped
        .iter()
        .filter(|u| u.contains("the link was dropped"))
        .count();
    let source_links = source["mitigationLinks"].as_array().unwrap().len();
    let assumption_links = source["assumptionLinks"].as_array().unwrap().len();
    assert!(
        links + dropped >= source_links,
        "{links} + {dropped} < {source_links}"
    );
    assert!(dropped <= source_links + assumption_links - links);
    // Each dropped link is named with its position.
    assert!(
        imported
            .report
            .unmapped
            .iter()
            .all(|u| u.contains(".tc.json:")),
        "{:?}",
        imported.report.unmapped
    );
    assert!(
        model
            .threats
            .iter()
            .all(|t| t.annotations.iter().any(|a| a.key == "threatAction"))
    );
    assert!(model.annotations.iter().any(|a| a.key == "assumptions"));
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn sources() -> Vec<(Format, Vec<u8>)> {
        examples()
            .into_iter()
            .filter(|(_, _, p)| {
                std::fs::metadata(p)
                    .map(|m| m.len() < 70_000)
                    .unwrap_or(false)
            })
            .map(|(_, f, p)| (f, std::fs::read(p).unwrap()))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Mutated example files (bytes replaced, cut, spliced) never panic
        /// the importers: they import or fail with an error.
        #[test]
        fn mutated_examples_never_panic(which in 0usize..64, at in 0.0f64..1.0, len in 0usize..64, byte in any::<u8>(), cut in any::<bool>()) {
            let all = sources();
            let (format, bytes) = &all[which % all.len()];
            let mut bytes = bytes.clone();
            let pos = ((bytes.len() as f64) * at) as usize;
            if cut {
                bytes.truncate(pos);
            } else {
                let end = (pos + len).min(bytes.len());
                for b in &mut bytes[pos..end] {
                    *b = byte;
                }
            }
            let _ = tm::import::import_bytes(*format, Path::new("mutated"), &bytes);
        }
    }

    #[test]
    fn deep_nesting_and_wrong_shapes_are_errors_not_crashes() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        for format in [
            Format::Otm,
            Format::Threagile,
            Format::TmBom,
            Format::ThreatComposer,
        ] {
            assert!(
                tm::import::import_bytes(format, Path::new("d.json"), deep.as_bytes()).is_err()
            );
            let wrong = br#"{"otmVersion": 1, "technical_assets": 3, "scope": [], "trust_zones": {}, "data_flows": "x", "threats": 5, "applicationInfo": null, "mitigationLinks": [1]}"#;
            let _ = tm::import::import_bytes(format, Path::new("w.json"), wrong);
        }
    }
}
