//! Statics written inside `lazy_static! { static ref X: T = e; }` and
//! `thread_local! { static X: T = e; }`, which syn does not expand: read
//! here so they are indexed and their initialisers searched like any static.

/// The macros whose body is a list of statics.
pub const STATIC_MACROS: &[&str] = &["lazy_static", "thread_local"];

/// Whether the macro is one whose body is a list of statics.
pub fn is_static_macro(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| STATIC_MACROS.iter().any(|m| s.ident == m))
}

/// One static of a `lazy_static!`/`thread_local!` body.
pub struct MacroStatic {
    /// Its name.
    pub name: syn::Ident,
    /// Its initialiser.
    pub init: syn::Expr,
}

/// Reads the statics of a `lazy_static!`/`thread_local!` body.
pub fn parse_macro_statics(input: syn::parse::ParseStream) -> syn::Result<Vec<MacroStatic>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        input.call(syn::Attribute::parse_outer)?;
        input.parse::<syn::Visibility>()?;
        input.parse::<syn::Token![static]>()?;
        if input.peek(syn::Token![ref]) {
            input.parse::<syn::Token![ref]>()?;
        }
        let name = input.parse()?;
        input.parse::<syn::Token![:]>()?;
        input.parse::<syn::Type>()?;
        input.parse::<syn::Token![=]>()?;
        let init = input.parse()?;
        if !input.is_empty() {
            input.parse::<syn::Token![;]>()?;
        }
        out.push(MacroStatic { name, init });
    }
    Ok(out)
}
