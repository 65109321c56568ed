//! What an item's attributes say to the index: compiled only for tests
//! (`#[cfg(…)]` read as a predicate tree with syn's meta parser, not as
//! words), a test function, a `#[path = "…"]` module file, a named marker.

/// A `cfg` predicate, as far as the index cares: whether it mentions `test`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CfgPredicate {
    /// `test`.
    Test,
    /// `all(…)`.
    All(Vec<CfgPredicate>),
    /// `any(…)`.
    Any(Vec<CfgPredicate>),
    /// `not(…)`.
    Not(Box<CfgPredicate>),
    /// Anything else (`unix`, `feature = "x"`, `target_os = "linux"`):
    /// true or false independently of `test`.
    Other,
}

impl CfgPredicate {
    /// Reads one predicate of a `cfg(…)` list.
    fn parse(meta: syn::meta::ParseNestedMeta) -> syn::Result<CfgPredicate> {
        let nested = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<Vec<CfgPredicate>> {
            let mut inner = Vec::new();
            meta.parse_nested_meta(|m| {
                inner.push(CfgPredicate::parse(m)?);
                Ok(())
            })?;
            Ok(inner)
        };
        let path = &meta.path;
        if path.is_ident("all") {
            return Ok(CfgPredicate::All(nested(&meta)?));
        }
        if path.is_ident("any") {
            return Ok(CfgPredicate::Any(nested(&meta)?));
        }
        if path.is_ident("not") {
            let inner = nested(&meta)?.into_iter().next();
            return Ok(CfgPredicate::Not(Box::new(
                inner.unwrap_or(CfgPredicate::Other),
            )));
        }
        if meta.input.peek(syn::Token![=]) {
            meta.value()?.parse::<syn::Expr>()?;
            return Ok(CfgPredicate::Other);
        }
        if meta.input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in meta.input);
            content.parse::<proc_macro2::TokenStream>()?;
            return Ok(CfgPredicate::Other);
        }
        Ok(if path.is_ident("test") {
            CfgPredicate::Test
        } else {
            CfgPredicate::Other
        })
    }

    /// Whether the predicate can only hold when `test` is set.
    fn implies_test(&self) -> bool {
        match self {
            CfgPredicate::Test => true,
            CfgPredicate::All(ps) => ps.iter().any(CfgPredicate::implies_test),
            CfgPredicate::Any(ps) => !ps.is_empty() && ps.iter().all(CfgPredicate::implies_test),
            CfgPredicate::Not(p) => p.implies_not_test(),
            CfgPredicate::Other => false,
        }
    }

    /// Whether the predicate can only hold when `test` is not set.
    fn implies_not_test(&self) -> bool {
        match self {
            CfgPredicate::Test | CfgPredicate::Other => false,
            CfgPredicate::All(ps) => ps.iter().any(CfgPredicate::implies_not_test),
            CfgPredicate::Any(ps) => {
                !ps.is_empty() && ps.iter().all(CfgPredicate::implies_not_test)
            }
            CfgPredicate::Not(p) => p.implies_test(),
        }
    }
}

/// Whether one attribute is a `#[cfg(…)]` that holds only in test builds:
/// `cfg(test)`, `cfg(all(test, unix))`, `cfg(all(test, not(windows)))`;
/// not `cfg(not(test))` nor `cfg(any(test, feature = "x"))`, which compile
/// outside tests too. An unreadable `cfg` is not test-only.
fn is_cfg_test_attribute(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("cfg") {
        return false;
    }
    let mut predicates = Vec::new();
    let read = attr.parse_nested_meta(|meta| {
        predicates.push(CfgPredicate::parse(meta)?);
        Ok(())
    });
    // `cfg` takes exactly one predicate; several are a compile error.
    read.is_ok() && predicates.len() == 1 && predicates[0].implies_test()
}

/// Whether the item is compiled only for tests (some `#[cfg(…)]` on it
/// holds only when `test` is set).
pub fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(is_cfg_test_attribute)
}

/// Whether a function is test code: `#[test]`, `#[tokio::test]`, `#[bench]`,
/// or compiled only for tests.
pub fn is_test_fn(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "test" || s.ident == "bench")
    }) || is_cfg_test(attrs)
}

/// The file a `#[path = "…"]` attribute names for a module.
pub fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Whether an attribute named `name` (`macro_export`) is present.
pub fn has_attribute(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg_test(attrs: &str) -> bool {
        let item: syn::ItemMod = syn::parse_str(&format!("{attrs} mod tests {{}}")).unwrap();
        is_cfg_test(&item.attrs)
    }

    #[test]
    fn test_only_predicates() {
        for attrs in [
            "#[cfg(test)]",
            "#[cfg(all(test, unix))]",
            "#[cfg(all(test, not(windows)))]",
            "#[cfg(all(unix, test, feature = \"slow\"))]",
            "#[cfg(any(test, all(test, unix)))]",
            "#[cfg(not(not(test)))]",
            "#[cfg(all(target_os = \"linux\", any(test)))]",
            "#[allow(dead_code)]\n#[cfg(test)]",
        ] {
            assert!(cfg_test(attrs), "{attrs} is test-only");
        }
    }

    #[test]
    fn predicates_that_also_hold_outside_tests() {
        for attrs in [
            "#[cfg(not(test))]",
            "#[cfg(any(test, feature = \"x\"))]",
            "#[cfg(unix)]",
            "#[cfg(feature = \"test\")]",
            "#[cfg(all(unix, not(test)))]",
            "#[cfg(any())]",
            "#[cfg(not(all(test, unix)))]",
            "#[cfg_attr(test, derive(Debug))]",
            "#[cfg(test, unix)]",
            "#[doc = \"test\"]",
            "",
        ] {
            assert!(!cfg_test(attrs), "{attrs} is not test-only");
        }
    }

    #[test]
    fn test_functions_and_path_attributes() {
        let f: syn::ItemFn = syn::parse_str("#[tokio::test]\nasync fn t() {}").unwrap();
        assert!(is_test_fn(&f.attrs));
        let f: syn::ItemFn = syn::parse_str("#[inline]\nfn f() {}").unwrap();
        assert!(!is_test_fn(&f.attrs));
        let m: syn::ItemMod = syn::parse_str("#[path = \"impl/x.rs\"]\nmod x;").unwrap();
        assert_eq!(path_attribute(&m.attrs).as_deref(), Some("impl/x.rs"));
        assert!(!has_attribute(&m.attrs, "macro_export"));
    }
}
