//! Format B's `**类型额外说明**` tree: nested types, keyed by type name.
//!
//! ```text
//! - **follow_up** 类型说明:
//!
//!   基本属性:
//!
//!    content: string <br>
//!   - **i18n_contents** (array):
//!     - **i18n_content** 类型说明:
//!
//!       基本属性:
//!
//!        content: string <br> language: string <br>
//! ```

use std::collections::BTreeMap;

use super::fields::{apply_type, children_mut, parse_type};
use super::Keywords;
use crate::page::{Block, BlockKind, ListItem};
use crate::spec::{Field, Type};

/// Type name → its fields, for every type the tree describes.
pub type TypeTree = BTreeMap<String, Vec<Field>>;

pub fn read_tree(items: &[ListItem], keywords: &Keywords, tree: &mut TypeTree) {
    for item in items {
        if let Some((name, fields)) = type_definition(item, keywords, tree) {
            define(tree, name, fields);
        }
    }
}

/// Records a type. Pages describe a type again wherever it is used, not
/// always with all its fields: the definitions are merged.
fn define(tree: &mut TypeTree, name: String, fields: Vec<Field>) {
    let known = tree.entry(name).or_default();
    merge_fields(known, fields);
}

/// Adds the fields `known` lacks, by name.
pub fn merge_fields(known: &mut Vec<Field>, fields: Vec<Field>) {
    for field in fields {
        if !known.iter().any(|k| k.name == field.name) {
            known.push(field);
        }
    }
}

/// `**name** 类型说明:` with its properties and nested fields.
fn type_definition(
    item: &ListItem,
    keywords: &Keywords,
    tree: &mut TypeTree,
) -> Option<(String, Vec<Field>)> {
    let (head, rest) = item.blocks.split_first()?;
    let BlockKind::Paragraph(text) = &head.kind else {
        return None;
    };
    let (name, tail) = bold_name(&text.markdown)?;
    if !keywords.is(tail.trim_end_matches([':', '：']).trim(), "类型说明") {
        return None;
    }
    // A paragraph may run on into the properties (no blank line between).
    let mut fields = Vec::new();
    let first_lines = text.plain().lines().skip(1).collect::<Vec<_>>().join("\n");
    properties(&first_lines, keywords, &mut fields);
    members(rest, keywords, tree, &mut fields);
    Some((name, fields))
}

fn members(blocks: &[Block], keywords: &Keywords, tree: &mut TypeTree, fields: &mut Vec<Field>) {
    for block in blocks {
        match &block.kind {
            BlockKind::Paragraph(text) => properties(text.plain(), keywords, fields),
            BlockKind::List(items) => {
                for item in items {
                    if let Some(field) = member(item, keywords, tree) {
                        fields.push(field);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `**name** (array):` or `**name** (object):` and the type describing it.
fn member(item: &ListItem, keywords: &Keywords, tree: &mut TypeTree) -> Option<Field> {
    let (head, rest) = item.blocks.split_first()?;
    let BlockKind::Paragraph(text) = &head.kind else {
        return None;
    };
    let (name, tail) = bold_name(&text.markdown)?;
    let kind = tail.trim().trim_end_matches([':', '：']).trim();
    let mut field = Field {
        name,
        ..Field::default()
    };
    let ty = match kind {
        "(array)" => "object[]",
        "(object)" => "object",
        _ => return None,
    };
    apply_type(&mut field, &parse_type(ty));
    for block in rest {
        if let BlockKind::List(items) = &block.kind {
            for inner in items {
                if let Some((type_name, fields)) = type_definition(inner, keywords, tree) {
                    set_type_name(&mut field, &type_name);
                    children_mut(&mut field).extend(fields.iter().cloned());
                    define(tree, type_name, fields);
                }
            }
        }
    }
    Some(field)
}

fn set_type_name(field: &mut Field, name: &str) {
    match field.items.as_mut() {
        Some(items) => items.type_name = name.to_string(),
        None => field.type_name = name.to_string(),
    }
}

/// `content: string <br> language: string <br>` (the `<br>`s are line breaks).
fn properties(text: &str, keywords: &Keywords, fields: &mut Vec<Field>) {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || keywords.is(line.trim_end_matches([':', '：']), "基本属性") {
            continue;
        }
        let Some((name, ty)) = line.split_once(':') else {
            continue;
        };
        let (name, ty) = (name.trim(), ty.trim());
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        let mut field = Field {
            name: name.to_string(),
            ..Field::default()
        };
        apply_type(&mut field, &parse_type(ty));
        if field.ty == Type::Any && ty.is_empty() {
            continue;
        }
        fields.push(field);
    }
}

/// `**name** rest` → (name, rest), reading the bold from the Markdown.
fn bold_name(markdown: &str) -> Option<(String, String)> {
    let first = markdown.lines().next()?;
    let inner = first.strip_prefix("**")?;
    let end = inner.find("**")?;
    let name = inner[..end].replace('\\', "").trim().to_string();
    let tail = inner[end + 2..].to_string();
    (!name.is_empty()).then_some((name, tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Page;

    #[test]
    fn reads_nested_types() {
        let page = Page::parse(
            "- **follow_up** 类型说明:\n\n  基本属性:\n\n   content: string <br>\n  - **i18n_contents** (array):\n    - **i18n_content** 类型说明:\n\n      基本属性:\n\n       content: string <br> language: string <br>\n",
        );
        let BlockKind::List(items) = &page.blocks[0].kind else {
            panic!()
        };
        let mut tree = TypeTree::new();
        read_tree(items, &Keywords { garbled: false }, &mut tree);
        let follow_up = &tree["follow_up"];
        assert_eq!(follow_up.len(), 2);
        assert_eq!(follow_up[1].name, "i18n_contents");
        let items = follow_up[1].items.as_ref().unwrap();
        assert_eq!(items.type_name, "i18n_content");
        assert_eq!(items.fields.len(), 2);
        assert_eq!(tree["i18n_content"][1].name, "language");
    }
}
