//! The facts one Rust file yields to the source index: its items, `mod x;`
//! declarations, `use` re-exports and entry points, named relative to the
//! file (the index places them in the crate's module tree later).

use serde::Serialize;

use super::detect::Detector;
use super::sinks::Sink;
use crate::diagnostic::Span;

/// What sort of item a symbol names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// A crate root.
    Crate,
    /// A module (file or inline).
    Module,
    /// A free function.
    Function,
    /// A function in an `impl` or `trait` block (`Type::method`).
    Method,
    /// A struct.
    Struct,
    /// An enum.
    Enum,
    /// A union.
    Union,
    /// A trait.
    Trait,
    /// A type alias.
    TypeAlias,
    /// A constant.
    Const,
    /// A static.
    Static,
    /// A `macro_rules!` macro.
    Macro,
    /// A variant of an enum (`Enum::Variant`).
    Variant,
}

/// An item defined in a file, named relative to the file's module.
#[derive(Debug, Clone)]
pub struct FileItem {
    /// Path inside the file: inline modules, then the item (`["Type", "method"]`).
    pub path: Vec<String>,
    /// What it is.
    pub kind: ItemKind,
    /// 1-based line of its name.
    pub line: u32,
    /// For an item of an `impl` block: the type it belongs to, which may be
    /// defined in another module. `#[macro_export]` macros have their own place.
    pub place: Place,
}

/// Where an item lives, when that is not simply where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// At its path inside the file's module.
    Here,
    /// In an `impl` block whose type is written as `written` (after `use`
    /// expansion: `["crate", "net", "Server"]`, `["Server"]`), inside the
    /// first `within` segments of `path` (inline modules); `path` then goes on
    /// with the type's name and the item's.
    Impl(ImplOwner),
    /// A `#[macro_export]` macro: at the crate root, whatever its module.
    CrateRoot,
}

/// The type of an `impl` block, as written in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplOwner {
    /// How many leading segments of the item's path are inline modules.
    pub within: usize,
    /// The type's path after `use` expansion.
    pub written: Vec<String>,
}

/// A `mod name;` declaration, whose body lives in another file.
#[derive(Debug, Clone)]
pub struct ModDecl {
    /// The inline modules it sits in, inside this file.
    pub within: Vec<String>,
    /// The module's name.
    pub name: String,
    /// The `#[path = "…"]` attribute, if any.
    pub path_attr: Option<String>,
    /// Under `#[cfg(test)]` (itself or an inline module around it): the file
    /// is test code.
    pub test: bool,
}

/// A `pub use` (or `pub(crate) use`, `pub(super) use`…): a name the module
/// re-exports, reachable at the module's path although defined elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReExport {
    /// The inline modules it sits in, inside this file.
    pub within: Vec<String>,
    /// The name it is reached by here; `None` for a glob (`pub use a::*;`).
    pub name: Option<String>,
    /// The path as written, without a leading `::` (`["crate", "parse",
    /// "Parser"]`, `["super", "x"]`, `["other_crate", "Item"]`).
    pub target: Vec<String>,
    /// Written with a leading `::`: the first segment is a crate.
    pub absolute: bool,
    /// Plain `pub`: visible from other crates, so reachable by crate name;
    /// otherwise only through `crate::` paths.
    pub public: bool,
    /// A plain `use` (no `pub`): at a crate root it still gives the whole
    /// crate a `crate::Name` path; elsewhere the index ignores it.
    pub private: bool,
}

/// An entry point found in a file, before the index knows its module.
#[derive(Debug, Clone)]
pub struct FoundEntry {
    /// The detector that matched.
    pub detector: &'static Detector,
    /// Where, in the Rust file.
    pub span: Span,
    /// The enclosing items inside the file (`["Server", "run"]`), up to the
    /// first that cannot be named (an `impl` for a reference or a generic).
    pub enclosing: Vec<String>,
    /// When the entry is inside an `impl` block: its type, which may live in
    /// another module than the block (`enclosing` then names the block's place).
    pub owner: Option<ImplOwner>,
    /// Inside `#[cfg(test)]` or a `#[test]` function.
    pub in_test: bool,
    /// What was called, after `use` expansion (`["Settings", "parse_from"]`;
    /// the method name for a method call; empty for `fn main` and attributes),
    /// so that a call of the crate's own function of the same name can be
    /// told apart from the library one a detector means.
    pub call: Vec<String>,
    /// The `tm:allow-unmodelled` marker on or above the line: its reason.
    pub marker: Option<String>,
    /// For an HTTP route, what it serves (`POST /api/login`), when the path is a literal.
    pub route: Option<String>,
}

/// Everything the index takes from one file.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    /// Items, in file order.
    pub items: Vec<FileItem>,
    /// `mod x;` declarations.
    pub mods: Vec<ModDecl>,
    /// `pub use` declarations outside function bodies.
    pub reexports: Vec<ReExport>,
    /// Entry points, in file order.
    pub entries: Vec<FoundEntry>,
    /// Code facts (sinks), in file order.
    pub facts: Vec<FoundFact>,
}

/// A code fact found in a file, before the index names its enclosing item.
#[derive(Debug, Clone)]
pub struct FoundFact {
    /// The sink row that matched.
    pub sink: &'static Sink,
    /// Where, in the Rust file.
    pub span: Span,
    /// The enclosing items inside the file, as for [`FoundEntry::enclosing`].
    pub enclosing: Vec<String>,
    /// The `impl` block's type, as for [`FoundEntry::owner`].
    pub owner: Option<ImplOwner>,
    /// Inside `#[cfg(test)]` or a `#[test]` function.
    pub in_test: bool,
}
