//! Field tables → field trees. The docs show nesting three ways: a depth
//! per row (format C's `└`, raw markup's `level`), not at all (format A:
//! recovered here from the JSON example), or in a separate type tree
//! (format B, see [`super::types`]).

use std::collections::{BTreeMap, BTreeSet};

// Fx hashing: the keys are field and type names, and SipHash showed in
// profiles of the nesting.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::{Deserialize, Serialize};

use super::json::{Json, Object};
use crate::diag::Diagnostics;
use crate::spec::{Field, Items, Type};
use crate::text::trim;

/// A type cell read: the kind, the page's type name, and an array's element.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRef {
    pub ty: Type,
    pub type_name: String,
    pub items: Option<Box<TypeRef>>,
    /// False when the cell named no type this reader knows.
    pub known: bool,
}

impl TypeRef {
    /// A cell naming no type this reader knows: read as `any`.
    fn unknown() -> TypeRef {
        TypeRef {
            known: false,
            ..TypeRef::simple(Type::Any)
        }
    }

    fn simple(ty: Type) -> TypeRef {
        TypeRef {
            ty,
            type_name: String::new(),
            items: None,
            known: true,
        }
    }
}

/// Reads a type cell: `string`, `int64`, `number(float)`, `i18n[]`,
/// `map<string, string>`, `national_id_type`, `\-`, ...
pub fn parse_type(cell: &str) -> TypeRef {
    let cell = trim(cell).trim_matches('`');
    // Most type cells escape nothing: no copy for them.
    let unescaped;
    let text = if memchr::memchr(b'\\', cell.as_bytes()).is_some() {
        unescaped = cell
            .replace("\\[", "[")
            .replace("\\]", "]")
            .replace("\\-", "-")
            .replace("\\_", "_");
        trim(&unescaped)
    } else {
        trim(cell)
    };
    let lower = text.to_ascii_lowercase();
    if let Some(inner) = text.strip_suffix("[]") {
        return array_of(parse_type(inner));
    }
    for prefix in ["array<", "list<"] {
        if lower.starts_with(prefix) && lower.ends_with('>') {
            return array_of(parse_type(&text[prefix.len()..text.len() - 1]));
        }
    }
    let ty = match lower.as_str() {
        "array" | "list" => return array_of(TypeRef::simple(Type::Any)),
        "string" | "str" | "date" | "datetime" | "timestamp" => Type::String,
        "int" | "int32" | "int64" | "integer" | "long" | "uint32" | "uint64" | "int8" | "int16" => {
            Type::Integer
        }
        "float" | "double" | "number" | "decimal" | "float32" | "float64" => Type::Number,
        "boolean" | "bool" => Type::Boolean,
        "object" | "struct" | "json" | "-" | "/" | "" => Type::Object,
        "file" | "binary" => Type::File,
        "any" => Type::Any,
        // The docs write `undefined` for enum-valued elements (`undefined[]`).
        "undefined" => Type::String,
        // `enum` is a string, or (format A) an object holding `enum_name`;
        // the name is kept until nesting decides which.
        "enum" => {
            return TypeRef {
                ty: Type::String,
                type_name: ENUM.into(),
                items: None,
                known: true,
            }
        }
        // `map<string, string>`, `number(float)`, `string(int64)`: the kind
        // is the part before the parameters.
        _ if lower.contains(['(', '<']) => {
            let base = lower.split(['(', '<']).next().unwrap_or("").trim();
            match base {
                "map" => Type::Map,
                "string" | "str" => Type::String,
                "int" | "int32" | "int64" | "integer" | "long" => Type::Integer,
                "number" if lower.contains("int") => Type::Integer,
                "number" | "float" | "double" => Type::Number,
                "bool" | "boolean" => Type::Boolean,
                "file" => Type::File,
                "object" => Type::Object,
                _ => return TypeRef::unknown(),
            }
        }
        _ if is_type_name(text) => {
            return TypeRef {
                ty: Type::Object,
                type_name: text.to_string(),
                items: None,
                known: true,
            }
        }
        _ => return TypeRef::unknown(),
    };
    TypeRef::simple(ty)
}

fn array_of(item: TypeRef) -> TypeRef {
    TypeRef {
        ty: Type::Array,
        type_name: String::new(),
        known: item.known,
        items: Some(Box::new(item)),
    }
}

fn is_type_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The type name format A gives enum-valued fields, objects or strings.
pub const ENUM: &str = "enum";

/// The type name of a row from a table with no type column, until
/// [`settle_untyped`] reads its kind from the example.
pub const UNTYPED: &str = "?";

/// Sets a field's kind from a type cell.
pub fn apply_type(field: &mut Field, ty: &TypeRef) {
    field.ty = ty.ty;
    field.type_name = ty.type_name.clone();
    field.items = ty.items.as_deref().map(|item| Box::new(items_from(item)));
}

fn items_from(ty: &TypeRef) -> Items {
    Items {
        ty: ty.ty,
        type_name: ty.type_name.clone(),
        fields: Vec::new(),
        items: ty.items.as_deref().map(|i| Box::new(items_from(i))),
    }
}

/// The list a child of `field` goes into: an array's element fields, or the
/// field's own. A field of a scalar kind that has children is an object the
/// page mistyped (format A writes `enum` for `{enum_name}` objects).
pub fn children_mut(field: &mut Field) -> &mut Vec<Field> {
    match field.ty {
        Type::Array => {
            let items = field
                .items
                .get_or_insert_with(|| Box::new(Items::default()));
            let mut items: &mut Items = items;
            while items.ty == Type::Array {
                items = items
                    .items
                    .get_or_insert_with(|| Box::new(Items::default()));
            }
            if matches!(items.ty, Type::Any | Type::String) {
                items.ty = Type::Object;
            }
            &mut items.fields
        }
        Type::Object | Type::Map => &mut field.fields,
        _ => {
            field.ty = Type::Object;
            &mut field.fields
        }
    }
}

/// Whether rows after this one may be its children.
pub fn may_have_children(field: &Field) -> bool {
    match field.ty {
        Type::Object => true,
        Type::Array => field
            .items
            .as_ref()
            .is_some_and(|i| i.ty == Type::Object || i.type_name == ENUM),
        _ => field.type_name == ENUM,
    }
}

/// Nests rows that carry their depth (0 = top level).
pub fn nest_by_depth(rows: Vec<(usize, usize, Field)>, diags: &mut Diagnostics) -> Vec<Field> {
    let mut roots = Vec::new();
    let mut stack: Vec<(usize, Field)> = Vec::new();
    for (line, depth, field) in rows {
        while stack.last().is_some_and(|(d, _)| *d >= depth) {
            pop_into(&mut stack, &mut roots);
        }
        let parent_depth = stack.last().map(|(d, _)| *d);
        let depth = match parent_depth {
            Some(p) if p + 1 >= MAX_DEPTH => {
                diags.warning(
                    line,
                    format!(
                        "field `{}` is nested too deep; kept at depth {MAX_DEPTH}",
                        field.name
                    ),
                );
                p
            }
            Some(p) if depth > p + 1 => {
                diags.warning(
                    line,
                    format!("field `{}` skips a nesting level", field.name),
                );
                p + 1
            }
            None if depth > 0 => {
                diags.warning(
                    line,
                    format!("field `{}` is nested under no field", field.name),
                );
                0
            }
            _ => depth,
        };
        stack.push((depth, field));
    }
    while !stack.is_empty() {
        pop_into(&mut stack, &mut roots);
    }
    roots
}

fn pop_into(stack: &mut Vec<(usize, Field)>, roots: &mut Vec<Field>) {
    if let Some((_, field)) = stack.pop() {
        match stack.last_mut() {
            Some((_, parent)) => children_mut(parent).push(field),
            None => roots.push(field),
        }
    }
}

/// Named types' field names, as pages of one run show them.
pub type TypeDict = BTreeMap<String, BTreeSet<String>>;

/// What a page's flat tables tell about named types, for other pages.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageTypes {
    /// Types a container of which the example shows whole: each of its
    /// rows, and no field the table does not list there.
    pub learned: TypeDict,
    /// The named types of the page's flat tables that the example does
    /// not show whole, each time with the same fields: the page's reading
    /// of these may change with other pages' word on them (and of types
    /// other pages know more fields of).
    pub used: BTreeSet<String>,
}

impl PageTypes {
    /// Nothing to learn or to be given: no other page can change the
    /// page's reading.
    pub fn is_empty(&self) -> bool {
        self.learned.is_empty() && self.used.is_empty()
    }

    /// [`PageTypes::learn`] for a container's fields, copied only when
    /// they are news: most containers of a type repeat its first.
    fn learn_seen(&mut self, name: &str, seen: &HashSet<String>) {
        let same = |learned: &BTreeSet<String>| {
            learned.len() == seen.len() && learned.iter().all(|f| seen.contains(f))
        };
        if !self.learned.get(name).is_some_and(same) {
            self.learn(name.to_string(), seen.iter().cloned().collect());
        }
    }

    /// Records a type shown whole. Shown whole twice with other fields, the
    /// type is also one the page may read otherwise given the dictionary.
    pub fn learn(&mut self, name: String, fields: BTreeSet<String>) {
        match self.learned.get_mut(&name) {
            Some(learned) if *learned != fields => {
                learned.extend(fields);
                self.used.insert(name);
            }
            Some(_) => {}
            None => {
                self.learned.insert(name, fields);
            }
        }
    }
}

/// An open container while nesting flat rows.
struct Frame<'v> {
    field: Field,
    /// The container's objects in the example: one, or every element of an
    /// array (elements each show some of the fields); empty when the
    /// example does not have it.
    example: Vec<&'v Object<'v>>,
    seen: HashSet<String>,
    /// The row its fields end before, when repetition tells.
    end: Option<usize>,
    /// Every row so far entered it because the example shows it there.
    all_shown: bool,
    /// The naming styles of the fields placed in it so far, its own
    /// containers' included.
    styles: Styles,
    /// The values of the enums among its fields, and what their
    /// descriptions call them: a discriminator's, whose variants' payloads
    /// it also holds.
    variants: HashSet<String>,
}

impl Frame<'_> {
    /// The page's name for the container's type (`i18n` for `i18n[]`).
    fn type_name(&self) -> &str {
        row_type_name(&self.field)
    }

    /// Whether a field whose description opens with `clause` is the
    /// payload of a value of an enum among the container's fields.
    fn describes(&self, clause: &str) -> bool {
        !clause.is_empty() && self.variants.contains(clause)
    }
}

/// Deeper than this, flat rows are not nested further (the docs' deepest
/// real nesting is about ten levels).
const MAX_DEPTH: usize = 24;

/// Nests flat rows (format A) using the JSON example: a row belongs to the
/// deepest open container whose object in the example has its name, or
/// whose type (by name) is known from earlier in the table to have it.
/// Rows neither shows go to the deepest container that is still open: the
/// example leaves some of its keys unseen, or nothing is known about it.
pub fn nest_by_example(
    rows: Vec<(usize, Field)>,
    example: Option<&Json>,
    given: &TypeDict,
    types: &mut PageTypes,
    diags: &mut Diagnostics,
) -> Vec<Field> {
    // Format A's `enum` objects hold these; a string `enum` holds nothing.
    let mut known: HashMap<String, HashSet<String>> = HashMap::from_iter([(
        ENUM.to_string(),
        HashSet::from_iter(["enum_name".into(), "display".into()]),
    )]);
    // Other pages' word on a type counts as this page's own.
    for (_, field) in &rows {
        let name = row_type_name(field);
        if may_have_children(field) && !name.is_empty() && name != ENUM {
            if let Some(fields) = given.get(name) {
                known
                    .entry(name.to_string())
                    .or_insert_with(|| fields.iter().cloned().collect());
            }
        }
    }
    let mut frames = vec![Frame {
        field: Field::default(),
        example: example.and_then(Json::as_object).into_iter().collect(),
        seen: HashSet::default(),
        end: None,
        all_shown: true,
        styles: Styles::default(),
        variants: HashSet::default(),
    }];
    let spans = repeated_spans(&rows);
    // Rows with dotted type names, which name the type that holds them.
    let dotted: Vec<(usize, String)> = rows
        .iter()
        .enumerate()
        .map(|(row, (_, field))| (row, row_type_name(field)))
        .filter(|(_, ty)| ty.contains('.'))
        .map(|(row, ty)| (row, ty.to_string()))
        .collect();
    for (row, (line, mut field)) in rows.into_iter().enumerate() {
        // Taken while the row is placed (no copy), given back after.
        let name = std::mem::take(&mut field.name);
        // Rows a container is known by repetition to hold are inside it,
        // unless the example (or, where it has none of the container,
        // another page) shows the row further out and not in there: then
        // the containers ran on alike past their ends.
        let mut floor = frames
            .iter()
            .rposition(|f| f.end.is_some_and(|end| end > row))
            .unwrap_or(0);
        let shown = |f: &Frame<'_>| f.example.iter().any(|e| e.contains_key(&name));
        // Whether other pages showed the container's type whole with this
        // row (`Some(true)`) or without it.
        let shown_elsewhere = |f: &Frame<'_>| {
            given
                .get(f.type_name())
                .map(|fields| fields.contains(&name))
        };
        let shown_without = |f: &Frame<'_>| shown_elsewhere(f) == Some(false);
        let shown_out = match (
            frames[floor].example.is_empty(),
            shown_elsewhere(&frames[floor]),
        ) {
            (false, _) => !shown(&frames[floor]),
            (true, Some(with)) => !with,
            // Nothing shows the container: an enclosing one the example
            // shows the row in, and that has not had it yet, has it.
            (true, None) => frames[..floor]
                .iter()
                .any(|f| shown(f) && !f.seen.contains(&name)),
        };
        if floor > 0 && shown_out {
            if let Some(outer) = frames[..floor].iter().rposition(|f| {
                (shown(f) || shown_elsewhere(f) == Some(true)) && !f.seen.contains(&name)
            }) {
                for frame in &mut frames[outer + 1..] {
                    frame.end = None;
                }
                floor = frames
                    .iter()
                    .rposition(|f| f.end.is_some_and(|end| end > row))
                    .unwrap_or(0);
            }
        }
        // Containers from here in have, by repetition, ended before this row.
        let ended = frames
            .iter()
            .position(|f| f.end.is_some_and(|end| end <= row))
            .unwrap_or(frames.len());
        let knows = |f: &Frame<'_>| {
            known
                .get(f.type_name())
                .filter(|_| !f.type_name().is_empty())
        };
        let claims = |f: &Frame<'_>| {
            !f.seen.contains(&name) && (shown(f) || knows(f).is_some_and(|k| k.contains(&name)))
        };
        let free = |(i, f): &(usize, &Frame<'_>)| *i < MAX_DEPTH && !f.seen.contains(&name);
        // Fields named in camelCase do not hold one in snake_case, nor the
        // other way round: a row of the other style is further out, at the
        // top level if need be.
        let row_style = Style::of(&name);
        let own_type = row_type_name(&field);
        // A row whose type is named after its holder's
        // (`app.table.field.description`, not `application.app_usage`) is
        // not in a container of a dotted type name outside that holder.
        let named_for_holder = own_type
            .rsplit_once('.')
            .is_some_and(|(holder, _)| holder.contains('.'));
        let holder = frames
            .iter()
            .rposition(|f| named_after(own_type, f.type_name()));
        let fits = |i: usize, f: &Frame<'_>| {
            (i == 0 || !f.styles.only(row_style.other()))
                && !(named_for_holder
                    && f.type_name().contains('.')
                    && holder.is_none_or(|holder| i < holder))
        };
        // The example lists fields in the table's order: until the key it
        // shows after a container comes, rows may still be inside that
        // container, past the last key the example shows there. Taken when
        // the example already left rows of the container out, or for a
        // plain field no other page showed the container's type without
        // (examples lag behind fields added last; a whole container left
        // out of them is more often a sibling).
        let inside_by_order = |i: usize| {
            i > 0 && {
                let (outer, inner) = (&frames[i - 1], &frames[i]);
                outer.example.iter().any(|e| {
                    e.keys()
                        .skip_while(|k| *k != inner.field.name)
                        .nth(1)
                        .is_some_and(|next| !outer.seen.contains(next))
                })
            }
        };
        // A later row whose type is named after the container's is inside
        // it, and so is every row before it (the table lists a container's
        // fields together), unless another container of that type comes
        // first (this row included).
        let from_here = &dotted[dotted.partition_point(|(at, _)| *at < row)..];
        let named_later = |f: &Frame<'_>| {
            let container = f.type_name();
            !container.is_empty()
                && from_here
                    .iter()
                    .take_while(|(_, ty)| ty != container)
                    .any(|(at, ty)| *at > row && named_after(ty, container))
        };
        let open = |(i, f): &(usize, &Frame<'_>)| {
            free(&(*i, f))
                && fits(*i, f)
                && (named_later(f)
                    || match (f.example.is_empty(), knows(f)) {
                        (false, _) => {
                            f.example
                                .iter()
                                .any(|e| e.keys().any(|k| !f.seen.contains(k)))
                                || (inside_by_order(*i)
                                    && (!f.all_shown
                                        || (!may_have_children(&field) && !shown_without(f))))
                        }
                        (true, Some(_)) => false,
                        (true, None) => true,
                    })
        };
        // Claimed by an example or a known type; else the deepest open
        // container; else the deepest that does not have the name yet and
        // whose repeated fields have not ended (leaving a container needs
        // evidence, not a shown-out example).
        // A type does not hold a field of its own type: a row typed like an
        // open container is that container's sibling, or further out,
        // unless the example shows it inside (a tree of options).
        let typed_like = frames
            .iter()
            .rposition(|f| !own_type.is_empty() && own_type != ENUM && f.type_name() == own_type)
            .filter(|&at| !shown(&frames[at]));
        let limit = typed_like.unwrap_or(frames.len()).max(floor + 1);
        // Rows before one a container's type names are inside it, whatever
        // an enclosing example claims.
        let floor = frames
            .iter()
            .rposition(named_later)
            .map_or(floor, |at| at.max(floor));
        let in_reach = || frames.iter().enumerate().take(limit).skip(floor).rev();
        // A container described as a value of an enum beside it is that
        // variant's payload (docx's `bitable`, `多维表格 Block`, next to
        // `block_type`'s `18：多维表格 Block`). One named as a value is, when
        // the open container it would leave is a variant too (okr's
        // `docsLink` after `textRun`): a payload may also be kept in a field
        // beside the enum's holder (hire's `formula` in `config`).
        let clause = first_clause(&field.description);
        let variant_of = |(i, f): &(usize, &Frame<'_>)| {
            may_have_children(&field)
                && (f.describes(clause)
                    || (f.variants.contains(&name)
                        && frames.get(i + 1).is_some_and(|inner| {
                            f.variants.contains(&inner.field.name)
                                || f.describes(first_clause(&inner.field.description))
                        })))
        };
        let parent = in_reach()
            .find(|(_, f)| claims(f))
            .or_else(|| in_reach().find(|e| free(e) && named_after(own_type, e.1.type_name())))
            .or_else(|| in_reach().find(|e| free(e) && variant_of(e)))
            // Its sibling, rather than an enclosing container that only
            // awaits other keys its example shows.
            .or_else(|| in_reach().find(|e| free(e) && Some(e.0 + 1) == typed_like))
            .or_else(|| in_reach().find(open))
            // A container whose type another page showed whole, without
            // this row, is passed over for an enclosing one, but not for
            // the top level: pages differ in what they list of a type, and
            // that would scatter a longer list of its fields.
            .or_else(|| {
                in_reach().find(|&(i, f)| {
                    i > 0 && i < ended && free(&(i, f)) && !shown_without(f) && fits(i, f)
                })
            })
            .or_else(|| in_reach().find(|&(i, f)| i < ended && free(&(i, f)) && fits(i, f)))
            .or_else(|| in_reach().find(|&(i, f)| i < ended && free(&(i, f))))
            .or_else(|| in_reach().find(free))
            .map_or(floor, |(i, _)| i);
        let placed_by_example = !frames[parent].seen.contains(&name) && shown(&frames[parent]);
        while frames.len() > parent + 1 {
            close_frame(&mut frames, &mut known, types);
        }
        for frame in &mut frames[..=parent] {
            frame.styles.add(row_style);
        }
        let frame = &mut frames[parent];
        frame.all_shown &= placed_by_example;
        if !frame.seen.insert(name.clone()) {
            // The level is the reader's reconstruction of a flat table, not
            // the page's word: a reader's doubt, not a defect to report.
            diags
                .warning(
                    line,
                    format!("field `{name}` appears twice at the same level"),
                )
                .hint("the nesting was recovered from the JSON example; this row may belong elsewhere");
        }
        let mut example = Vec::new();
        for value in frame.example.iter().filter_map(|e| e.get(&name)) {
            objects_of(value, &mut example);
        }
        // A row of no known kind holds fields when its example does.
        // `-`, `/` and `object` stand for an object or a list of them: the
        // example tells which.
        let generic = field.ty == Type::Object && field.type_name.is_empty();
        // `file` is an upload, or the type named so (drive's file record):
        // objects in the example say which.
        let named_file =
            field.ty == Type::File || field.items.as_ref().is_some_and(|i| i.ty == Type::File);
        // A bare `list` of what the example shows as objects holds them.
        if let Some(items) = field.items.as_mut().filter(|i| i.ty == Type::Any) {
            if !example.is_empty() && items.fields.is_empty() && items.items.is_none() {
                items.ty = Type::Object;
            }
        }
        if (field.ty == Type::Any || generic || named_file) && !example.is_empty() {
            let shown = frame.example.iter().find_map(|e| e.get(&name));
            field.ty = Type::Object;
            if named_file {
                field.type_name = "file".into();
            }
            if shown.is_some_and(Json::is_array) {
                field.ty = Type::Array;
                field.items = Some(Box::new(Items {
                    ty: Type::Object,
                    type_name: if named_file {
                        std::mem::take(&mut field.type_name)
                    } else {
                        String::new()
                    },
                    ..Items::default()
                }));
            }
        }
        field.name = name;
        if may_have_children(&field) {
            // Inside its container's span, whatever the repetition says.
            let end = frames
                .iter()
                .filter_map(|f| f.end)
                .chain(spans[row])
                .min()
                .filter(|_| spans[row].is_some());
            frames.push(Frame {
                field,
                example,
                seen: HashSet::default(),
                end,
                all_shown: true,
                styles: Styles::default(),
                variants: HashSet::default(),
            });
        } else {
            if field.enum_values.len() > 1 {
                let variants = &mut frames[parent].variants;
                for value in &field.enum_values {
                    variants.insert(value.value.clone());
                    let clause = first_clause(&value.description);
                    if !clause.is_empty() {
                        variants.insert(clause.to_string());
                    }
                }
            }
            let parent_field = &mut frames[parent].field;
            if parent == 0 {
                parent_field.fields.push(field);
            } else {
                children_mut(parent_field).push(field);
            }
        }
    }
    while frames.len() > 1 {
        close_frame(&mut frames, &mut known, types);
    }
    frames.pop().map(|f| f.field.fields).unwrap_or_default()
}

/// Where the fields of container rows end, for the types that head more
/// than one container: the docs repeat a type's fields after every row of
/// that type, so the rows all of them are followed by are the type's fields
/// (indexed by row; the value is the row after the last field).
///
/// A type met only at the same place inside copies of another type shows
/// no more than that type does (the copies run on alike to their end): it
/// gets no span.
fn repeated_spans(rows: &[(usize, Field)]) -> Vec<Option<usize>> {
    let mut by_type: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, (_, field)) in rows.iter().enumerate() {
        let name = row_type_name(field);
        if may_have_children(field) && !name.is_empty() && name != ENUM {
            by_type.entry(name).or_default().push(i);
        }
    }
    let mut spans = vec![None; rows.len()];
    for (name, at) in &by_type {
        let [first, others @ ..] = at.as_slice() else {
            continue;
        };
        if others.is_empty() {
            continue;
        }
        // A type does not hold itself: its fields stop at a row of it.
        let field_at = |i: usize| {
            rows.get(i)
                .filter(|(_, f)| row_type_name(f) != *name)
                .map(|(_, f)| f.name.as_str())
        };
        let mut len = 0;
        while let Some(next) = field_at(first + 1 + len) {
            if others.iter().any(|i| field_at(i + 1 + len) != Some(next)) {
                break;
            }
            len += 1;
        }
        if len > 0 {
            for &i in at {
                spans[i] = Some(i + 1 + len);
            }
        }
    }
    // The rows whose spans end at each row, in order: looked up rather
    // than searched for, as large tables have hundreds of containers.
    let mut ending_at: HashMap<usize, Vec<usize>> = HashMap::default();
    for (j, span) in spans.iter().enumerate() {
        if let Some(end) = *span {
            ending_at.entry(end).or_default().push(j);
        }
    }
    let mut copies = Vec::new();
    for at in by_type.values() {
        let Some(&first) = at.first() else { continue };
        let Some(end) = spans[first] else { continue };
        // The types whose span ends with this one's, at each of its rows.
        let enclosing = |i: usize, end: usize| {
            ending_at
                .get(&end)
                .into_iter()
                .flatten()
                .take_while(|&&j| j < i)
                .map(|&j| row_type_name(&rows[j].1))
                .collect::<HashSet<_>>()
        };
        let mut common = enclosing(first, end);
        for &i in &at[1..] {
            let here = spans[i].map(|end| enclosing(i, end)).unwrap_or_default();
            common.retain(|t| here.contains(t));
        }
        if !common.is_empty() {
            copies.extend(at.iter().copied());
        }
    }
    for i in copies {
        spans[i] = None;
    }
    spans
}

/// A description's first clause, which names what the field is.
fn first_clause(description: &str) -> &str {
    let end = description
        .find(['。', '，', ',', '；', ';', '\n'])
        .unwrap_or(description.len());
    description[..end].trim()
}

/// Whether a type's name says it is part of a container's type: the docs
/// name a type after the type holding it (`app.table.field.property.type`
/// in `app.table.field.property`). Some drop a word on the way
/// (`app.field.property.location` in `app.table.field.property`), so two
/// dotted names ending in the same word match too.
fn named_after(field_type: &str, container_type: &str) -> bool {
    let Some((prefix, _)) = field_type.rsplit_once('.') else {
        return false;
    };
    fn last_word(name: &str) -> Option<&str> {
        name.rsplit_once('.').map(|(_, word)| word)
    }
    prefix == container_type
        || last_word(prefix).is_some_and(|word| last_word(container_type) == Some(word))
}

/// How a field's name is written, where it tells.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Camel,
    Snake,
    /// One lowercase word, or a mix: fits either.
    Plain,
}

impl Style {
    fn of(name: &str) -> Style {
        let upper = name.bytes().any(|b| b.is_ascii_uppercase());
        let underscore = name.contains('_');
        match (upper, underscore) {
            (true, false) => Style::Camel,
            (false, true) => Style::Snake,
            _ => Style::Plain,
        }
    }

    fn other(self) -> Style {
        match self {
            Style::Camel => Style::Snake,
            Style::Snake => Style::Camel,
            Style::Plain => Style::Plain,
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Styles {
    camel: bool,
    snake: bool,
}

impl Styles {
    fn add(&mut self, style: Style) {
        match style {
            Style::Camel => self.camel = true,
            Style::Snake => self.snake = true,
            Style::Plain => {}
        }
    }

    /// Whether every styled name so far is written in `style`.
    fn only(self, style: Style) -> bool {
        match style {
            Style::Camel => self.camel && !self.snake,
            Style::Snake => self.snake && !self.camel,
            Style::Plain => false,
        }
    }
}

/// The page's name for a row's type (`i18n` for `i18n[]`).
fn row_type_name(field: &Field) -> &str {
    match &field.items {
        Some(items) => &items.type_name,
        None if field.type_name == UNTYPED => "",
        None => &field.type_name,
    }
}

/// Closes the innermost container. One whose rows the example shows, each
/// of them, and that the example shows with no field the table did not
/// list in it, is learned: its fields are taken for the type's whole list,
/// for other pages to use. Others are types other pages may help with.
fn close_frame(
    frames: &mut Vec<Frame<'_>>,
    known: &mut HashMap<String, HashSet<String>>,
    types: &mut PageTypes,
) {
    if let Some(frame) = frames.pop() {
        let name = frame.type_name();
        let complete = frame.all_shown
            && !frame.seen.is_empty()
            && frame
                .example
                .iter()
                .all(|e| e.keys().all(|k| frame.seen.contains(k)));
        if !name.is_empty() && name != ENUM {
            if complete {
                types.learn_seen(name, &frame.seen);
            } else if !types.used.contains(name) {
                types.used.insert(name.to_string());
            }
        }
        if !frame.seen.is_empty() && !name.is_empty() {
            // Large tables close hundreds of containers of one type: only
            // names not known yet are copied.
            match known.get_mut(name) {
                Some(known) => {
                    for field in &frame.seen {
                        if !known.contains(field) {
                            known.insert(field.clone());
                        }
                    }
                }
                None => {
                    known.insert(name.to_string(), frame.seen.clone());
                }
            }
        }
        let parent_is_root = frames.len() == 1;
        if let Some(parent) = frames.last_mut() {
            if parent_is_root {
                parent.field.fields.push(frame.field);
            } else {
                children_mut(&mut parent.field).push(frame.field);
            }
        }
    }
}

/// The objects an example value stands for: itself, or an array's object
/// elements. An empty object shows nothing about the fields.
fn objects_of<'v>(value: &'v Json<'v>, out: &mut Vec<&'v Object<'v>>) {
    match value {
        Json::Object(object) if !object.is_empty() => out.push(object),
        Json::Array(items) => items.iter().for_each(|item| objects_of(item, out)),
        _ => {}
    }
}

/// Gives rows from a table with no type column the kind their value in the
/// example has (a string when the example does not show them); a row with
/// fields is an object, or an array of objects when the example shows a
/// list. Rows typed `-`, `/` or `object` that the example shows as a list
/// are lists.
pub fn settle_untyped(fields: &mut [Field], example: Option<&Json>) {
    let mut objects = Vec::new();
    if let Some(example) = example {
        objects_of(example, &mut objects);
    }
    for field in fields {
        let value = objects
            .iter()
            .find_map(|o| o.get(&field.name))
            .filter(|v| !v.is_null());
        // `-` and `/` rows the example shows as a list (even an empty one).
        let generic_list = field.ty == Type::Object
            && field.type_name.is_empty()
            && value.is_some_and(Json::is_array);
        if field.type_name == UNTYPED || generic_list {
            field.type_name.clear();
            let nested = !field.fields.is_empty();
            // Nesting already made it a list of the table's objects.
            let listed = field.items.as_ref().is_some_and(|i| !i.fields.is_empty());
            match value {
                _ if listed => {}
                Some(Json::Array(values)) => {
                    let mut items = items_from_example(values);
                    if nested {
                        items.ty = Type::Object;
                        items.fields = std::mem::take(&mut field.fields);
                    }
                    field.ty = Type::Array;
                    field.items = Some(Box::new(items));
                }
                _ if nested => field.ty = Type::Object,
                Some(value) => infer_into(field, value),
                None => field.ty = Type::String,
            }
        }
        let children = match field.items.as_deref_mut() {
            Some(items) => &mut items.fields,
            None => &mut field.fields,
        };
        settle_untyped(children, value);
    }
}

/// Adds the fields an example shows that the table does not list, in the
/// objects the table does list (not in maps, nor in fields of other kinds).
pub fn add_example_keys(fields: &mut Vec<Field>, example: Option<&Json>) {
    let mut objects = Vec::new();
    if let Some(example) = example {
        objects_of(example, &mut objects);
    }
    for object in &objects {
        for (name, value) in object.iter() {
            if is_type_name(name) && !fields.iter().any(|f| f.name == name) {
                let mut field = Field {
                    name: name.to_string(),
                    ..Field::default()
                };
                infer_into(&mut field, value);
                fields.push(field);
            }
        }
    }
    for field in fields {
        let values: Vec<&Json> = objects.iter().filter_map(|o| o.get(&field.name)).collect();
        let children = match (field.ty, field.items.as_deref_mut()) {
            (Type::Object, _) => &mut field.fields,
            (Type::Array, Some(items)) if items.ty == Type::Object => &mut items.fields,
            _ => continue,
        };
        for value in values {
            add_example_keys(children, Some(value));
        }
    }
}

/// A row of a named type listed without fields (the page lists them at
/// another row of that type) takes the fields listed there.
pub fn fill_named_types(lists: &mut [&mut Vec<Field>]) {
    fn children(field: &mut Field) -> Option<(String, &mut Vec<Field>)> {
        match (field.ty, field.items.as_deref_mut()) {
            (Type::Object, _) => Some((field.type_name.clone(), &mut field.fields)),
            (Type::Array, Some(items)) if items.ty == Type::Object => {
                Some((items.type_name.clone(), &mut items.fields))
            }
            _ => None,
        }
    }
    /// The names of the lists that are empty: the only ones `fill` looks up.
    fn wanted(fields: &mut [Field], names: &mut HashSet<String>) {
        for field in fields {
            if let Some((name, list)) = children(field) {
                if list.is_empty() {
                    names.insert(name);
                } else {
                    wanted(list, names);
                }
            }
        }
    }
    fn collect(
        fields: &mut [Field],
        wanted: &HashSet<String>,
        types: &mut HashMap<String, Vec<Field>>,
    ) {
        for field in fields {
            if let Some((name, list)) = children(field) {
                let known = types.get(&name).map_or(0, Vec::len);
                if !name.is_empty() && name != ENUM && list.len() > known && wanted.contains(&name)
                {
                    types.insert(name, list.clone());
                }
                collect(list, wanted, types);
            }
        }
    }
    fn fill(
        fields: &mut [Field],
        types: &HashMap<String, Vec<Field>>,
        expanding: &mut Vec<String>,
    ) {
        for field in fields {
            let Some((name, list)) = children(field) else {
                continue;
            };
            if expanding.contains(&name) {
                continue;
            }
            if list.is_empty() {
                if let Some(found) = types.get(&name) {
                    list.clone_from(found);
                }
            }
            expanding.push(name);
            fill(list, types, expanding);
            expanding.pop();
        }
    }
    // Copies of the type lists are made only for names some list lacks:
    // copying every named list showed in profiles.
    let mut names = HashSet::default();
    for list in lists.iter_mut() {
        wanted(list, &mut names);
    }
    if names.is_empty() {
        return;
    }
    let mut types = HashMap::default();
    for list in lists.iter_mut() {
        collect(list, &names, &mut types);
    }
    for list in lists.iter_mut() {
        fill(list, &types, &mut Vec::new());
    }
}

/// Fields inferred from a JSON example (format B responses).
pub fn fields_from_example(value: &Json) -> Vec<Field> {
    let Some(object) = value.as_object() else {
        return Vec::new();
    };
    object
        .iter()
        .map(|(name, v)| {
            let mut field = Field {
                name: name.to_string(),
                ..Field::default()
            };
            infer_into(&mut field, v);
            field
        })
        .collect()
}

fn infer_into(field: &mut Field, value: &Json) {
    field.ty = kind_of(value);
    match value {
        // Keys that are not names (Chinese column titles, ids) are data:
        // the object is a map.
        Json::Object(object) if !object.keys().all(is_type_name) => field.ty = Type::Map,
        Json::Object(_) => field.fields = fields_from_example(value),
        Json::Array(items) => field.items = Some(Box::new(items_from_example(items))),
        _ => {}
    }
}

fn items_from_example(items: &[Json]) -> Items {
    let mut out = Items::default();
    let Some(first) = items.iter().find(|v| !v.is_null()) else {
        return out;
    };
    out.ty = kind_of(first);
    match first {
        Json::Object(_) => {
            // Elements may each show some of the fields: take them all.
            for item in items {
                for field in fields_from_example(item) {
                    if !out.fields.iter().any(|f| f.name == field.name) {
                        out.fields.push(field);
                    }
                }
            }
        }
        Json::Array(inner) => out.items = Some(Box::new(items_from_example(inner))),
        _ => {}
    }
    out
}

fn kind_of(value: &Json) -> Type {
    match value {
        Json::Null => Type::Any,
        Json::Bool(_) => Type::Boolean,
        Json::Float => Type::Number,
        Json::Integer => Type::Integer,
        Json::String(_) => Type::String,
        Json::Array(_) => Type::Array,
        Json::Object(_) => Type::Object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::json::parse;

    fn field(name: &str, ty: &str) -> Field {
        let mut f = Field {
            name: name.into(),
            ..Field::default()
        };
        apply_type(&mut f, &parse_type(ty));
        f
    }

    fn example(text: &str) -> Json<'_> {
        parse(text).expect("valid JSON")
    }

    /// Flat rows of a table, each `(name, type)`.
    fn flat(rows: &[(&str, &str)]) -> Vec<(usize, Field)> {
        rows.iter()
            .map(|&(name, ty)| (1, field(name, ty)))
            .collect()
    }

    /// Nests with nothing known from other pages.
    fn nest_alone(rows: Vec<(usize, Field)>, example: Option<&Json>) -> Vec<Field> {
        nest_by_example(
            rows,
            example,
            &TypeDict::new(),
            &mut PageTypes::default(),
            &mut Diagnostics::new("p"),
        )
    }

    fn shape(fields: &[Field]) -> String {
        fields
            .iter()
            .map(|f| {
                let children = match &f.items {
                    Some(items) => &items.fields,
                    None => &f.fields,
                };
                if children.is_empty() {
                    f.name.clone()
                } else {
                    format!("{}({})", f.name, shape(children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn types() {
        assert_eq!(parse_type("`i18n\\[\\]`").ty, Type::Array);
        assert_eq!(parse_type("i18n[]").items.unwrap().type_name, "i18n");
        assert_eq!(parse_type("number(float)").ty, Type::Number);
        assert_eq!(parse_type("int64").ty, Type::Integer);
        assert_eq!(parse_type("interview_record").ty, Type::Object);
        assert_eq!(parse_type("string(int64)").ty, Type::String);
        assert_eq!(parse_type("map<string, string>").ty, Type::Map);
        assert_eq!(parse_type("\\-").ty, Type::Object);
        assert!(!parse_type("类型").known);
    }

    #[test]
    fn format_a_nesting_follows_the_example() {
        let rows = vec![
            field("country", "string"),
            field("name", "i18n[]"),
            field("lang", "string"),
            field("value", "string"),
            field("active", "boolean"),
            field("type", "enum"),
            field("enum_name", "string"),
            field("code", "string"),
        ];
        let example = example(
            r#"{"country": "x", "name": [{"lang": "zh", "value": "v"}],
            "active": true, "type": {"enum_name": "a"}, "code": "c"}"#,
        );
        let mut d = Diagnostics::new("p");
        let tree = nest_by_example(
            rows.into_iter().map(|f| (1, f)).collect(),
            Some(&example),
            &TypeDict::new(),
            &mut PageTypes::default(),
            &mut d,
        );
        assert_eq!(
            shape(&tree),
            "country name(lang value) active type(enum_name) code"
        );
        assert_eq!(tree[3].ty, Type::Object);
    }

    #[test]
    fn repeated_types_keep_their_fields() {
        // `person` twice: its fields are what follows both rows, though the
        // example shows only some of them.
        let rows = vec![
            field("info", "info"),
            field("name", "person"),
            field("first", "string"),
            field("region", "string"),
            field("phone", "string"),
            field("legal_name", "person"),
            field("first", "string"),
            field("region", "string"),
            field("size", "int"),
        ];
        let example =
            example(r#"{"info": {"name": {"first": "a"}, "phone": "1", "x": 1}, "size": 1}"#);
        let mut d = Diagnostics::new("p");
        let tree = nest_by_example(
            rows.into_iter().map(|f| (1, f)).collect(),
            Some(&example),
            &TypeDict::new(),
            &mut PageTypes::default(),
            &mut d,
        );
        assert_eq!(
            shape(&tree),
            "info(name(first region) phone legal_name(first region)) size"
        );
    }

    #[test]
    fn types_shown_whole_are_learned_and_used() {
        let rows = || {
            vec![
                field("member", "member_info"),
                field("name", "string"),
                field("email", "string"),
                field("note", "string"),
            ]
            .into_iter()
            .map(|f| (1, f))
            .collect::<Vec<_>>()
        };
        let mut d = Diagnostics::new("p");
        let mut types = PageTypes::default();
        let whole = example(r#"{"member": {"name": "a", "email": "b"}, "note": "c"}"#);
        nest_by_example(rows(), Some(&whole), &TypeDict::new(), &mut types, &mut d);
        assert_eq!(types.learned["member_info"].len(), 2);
        assert!(types.used.is_empty());

        // The example shows `member` in part, and `note` outside (and not
        // after it, which would keep `email` in): `email` goes out with it
        // (and `member` looks whole, with `name` only), unless the
        // dictionary has it in the type.
        let part = example(r#"{"note": "c", "member": {"name": "a"}}"#);
        let mut types = PageTypes::default();
        let tree = nest_by_example(rows(), Some(&part), &TypeDict::new(), &mut types, &mut d);
        assert_eq!(shape(&tree), "member(name) email note");
        assert_eq!(types.learned["member_info"].len(), 1);
        let given = TypeDict::from([(
            "member_info".to_string(),
            BTreeSet::from(["name".to_string(), "email".to_string()]),
        )]);
        let mut types = PageTypes::default();
        let tree = nest_by_example(rows(), Some(&part), &given, &mut types, &mut d);
        assert_eq!(shape(&tree), "member(name email) note");
    }

    #[test]
    fn a_type_shown_whole_elsewhere_does_not_take_other_rows() {
        let rows = vec![
            field("property", "property_info"),
            field("location", "location_info"),
            field("input_type", "string"),
            field("formula", "string"),
        ]
        .into_iter()
        .map(|f| (1, f))
        .collect::<Vec<_>>();
        let given = TypeDict::from([(
            "location_info".to_string(),
            BTreeSet::from(["input_type".to_string()]),
        )]);
        let mut d = Diagnostics::new("p");
        let mut types = PageTypes::default();
        let tree = nest_by_example(rows.clone(), None, &TypeDict::new(), &mut types, &mut d);
        assert_eq!(shape(&tree), "property(location(input_type formula))");
        let tree = nest_by_example(rows, None, &given, &mut types, &mut d);
        assert_eq!(shape(&tree), "property(location(input_type) formula)");
    }

    #[test]
    fn another_page_ends_a_repeated_container() {
        let rows = flat(&[
            ("dependent", "dependent_t[]"),
            ("phone", "phone_t"),
            ("number", "string"),
            ("address", "address_t"),
            ("line", "string"),
            ("contact", "contact_t[]"),
            ("phones", "phone_t[]"),
            ("number", "string"),
            ("address", "address_t"),
            ("line", "string"),
        ]);
        let mut d = Diagnostics::new("p");
        let mut types = PageTypes::default();
        // The example shows the lists, not what is in them. Both phones run
        // on alike: by repetition, the address is a phone's.
        let example = example(r#"{"dependent": [], "contact": []}"#);
        let tree = nest_by_example(
            rows.clone(),
            Some(&example),
            &TypeDict::new(),
            &mut types,
            &mut d,
        );
        assert_eq!(
            shape(&tree),
            "dependent(phone(number address(line))) contact(phones(number address(line)))"
        );
        let fields = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
        let given = TypeDict::from([
            ("phone_t".to_string(), fields(&["number"])),
            ("dependent_t".to_string(), fields(&["phone", "address"])),
            ("contact_t".to_string(), fields(&["phones", "address"])),
        ]);
        let tree = nest_by_example(rows, Some(&example), &given, &mut types, &mut d);
        assert_eq!(
            shape(&tree),
            "dependent(phone(number) address(line)) contact(phones(number) address(line))"
        );
    }

    #[test]
    fn an_enclosing_example_ends_a_repeated_container() {
        // Two copies of one list of alternatives: by repetition, each
        // alternative holds the ones after it. The example shows `date` as
        // the value's own, and nothing shows what `text` holds.
        let rows = flat(&[
            ("value", "value_t"),
            ("text", "text_t"),
            ("v", "string"),
            ("date", "date_t"),
            ("v", "int"),
            ("list", "list_t"),
            ("values", "item_t[]"),
            ("text", "text_t"),
            ("v", "string"),
            ("date", "date_t"),
            ("v", "int"),
        ]);
        let example = example(r#"{"value": {"date": {"v": 1}, "list": {"values": []}}}"#);
        let tree = nest_alone(rows, Some(&example));
        assert_eq!(
            shape(&tree),
            "value(text(v) date(v) list(values(text(v date(v)))))"
        );
    }

    #[test]
    fn the_example_tells_a_file_record_and_a_bare_list_of_objects() {
        let rows = flat(&[
            ("file", "file"),
            ("token", "string"),
            ("nodes", "list"),
            ("id", "string"),
            ("upload", "file"),
        ]);
        let example = example(r#"{"file": {"token": "t"}, "nodes": [{"id": "n"}], "upload": "x"}"#);
        let tree = nest_alone(rows, Some(&example));
        assert_eq!(shape(&tree), "file(token) nodes(id) upload");
        assert_eq!(
            (tree[0].ty, tree[0].type_name.as_str()),
            (Type::Object, "file")
        );
        assert_eq!(tree[1].items.as_ref().map(|i| i.ty), Some(Type::Object));
        assert_eq!(tree[2].ty, Type::File);
    }

    #[test]
    fn rows_before_the_next_key_shown_stay_in_the_container() {
        // The example leaves out fields of `offer` (`extra`) and ends it
        // before the table does: `added` still comes before `education`.
        let rows = flat(&[
            ("offer", "offer"),
            ("id", "string"),
            ("extra", "string"),
            ("job", "string"),
            ("added", "string"),
            ("education", "education[]"),
            ("school", "string"),
        ]);
        let json = example(r#"{"offer": {"id": "1", "job": "j"}, "education": [{"school": "s"}]}"#);
        assert_eq!(
            shape(&nest_alone(rows, Some(&json))),
            "offer(id extra job added) education(school)"
        );
        // A container the example showed whole keeps a plain field after
        // its last key, but not a container.
        let rows = flat(&[
            ("items", "item[]"),
            ("name", "string"),
            ("open_sharing", "string"),
            ("job_title", "job_title"),
            ("id", "string"),
            ("job_level", "job_level"),
            ("level_id", "string"),
            ("job_family", "job_family"),
            ("family_id", "string"),
        ]);
        let json = example(
            r#"{"items": [{"name": "n"}], "job_title": {"id": "1"}, "job_family": {"family_id": "2"}}"#,
        );
        assert_eq!(
            shape(&nest_alone(rows, Some(&json))),
            "items(name open_sharing) job_title(id) job_level(level_id) job_family(family_id)"
        );
    }

    #[test]
    fn dotted_type_names_tell_the_holder() {
        // `type` is named after `property`, so `table_id` before it is in
        // `property` too, though `field`'s example (in another order) has
        // keys to come;
        // `description` is named after `field`, so it leaves `type`.
        let rows = flat(&[
            ("field", "app.table.field"),
            ("name", "string"),
            ("property", "app.table.field.property"),
            ("multiple", "boolean"),
            ("table_id", "string"),
            ("type", "app.table.field.property.type"),
            ("data_type", "int"),
            ("description", "app.table.field.description"),
            ("text", "string"),
            ("is_primary", "boolean"),
        ]);
        let json = example(
            r#"{"field": {"is_primary": false, "name": "n", "property": {"multiple": true}}}"#,
        );
        assert_eq!(
            shape(&nest_alone(rows, Some(&json))),
            "field(name property(multiple table_id type(data_type)) description(text) is_primary)"
        );
        // Nothing open is named `app.table.field`: `description` goes out
        // of every container of a dotted type name.
        let rows = flat(&[
            ("property", "app.table.field.property"),
            ("type", "app.table.field.property.type"),
            ("data_type", "int"),
            ("description", "app.table.field.description"),
            ("text", "string"),
        ]);
        assert_eq!(
            shape(&nest_alone(rows, None)),
            "property(type(data_type)) description(text)"
        );
        // A second container of the type ends the first, though a row
        // after it is named after that type.
        let rows = flat(&[
            ("rules", "rule[]"),
            ("items", "rule.item_info[]"),
            ("id", "string"),
            ("i18n", "rule.item_info.i18n"),
            ("zh", "string"),
            ("more", "rule.item_info[]"),
            ("id", "string"),
            ("i18n", "rule.item_info.i18n"),
            ("zh", "string"),
        ]);
        assert_eq!(
            shape(&nest_alone(rows, None)),
            "rules(items(id i18n(zh)) more(id i18n(zh)))"
        );
    }

    #[test]
    fn an_enums_variants_hold_their_payloads() {
        use crate::spec::EnumValue;
        let row = |name, ty| (1, field(name, ty));
        let with_enum = |name, ty, values: &[(&str, &str)]| {
            let mut f = field(name, ty);
            f.enum_values = values
                .iter()
                .map(|&(value, description)| EnumValue {
                    value: value.into(),
                    description: description.into(),
                })
                .collect();
            (1, f)
        };
        let described = |name, ty, description: &str| {
            let mut f = field(name, ty);
            f.description = description.into();
            (1, f)
        };
        // Described as a value: beside the enum, not in the payload before.
        let block_type = with_enum(
            "block_type",
            "int",
            &[("18", "多维表格 Block"), ("19", "高亮块 Block")],
        );
        let tree = nest_alone(vec![row("block", "block"), block_type.clone()], None);
        assert_eq!(shape(&tree), "block(block_type)");
        let rows = vec![
            row("block", "block"),
            block_type,
            described("bitable", "bitable", "多维表格 Block"),
            row("token", "string"),
            described("callout", "callout", "高亮块 Block。可嵌套"),
            row("emoji_id", "string"),
        ];
        assert_eq!(
            shape(&nest_alone(rows, None)),
            "block(block_type bitable(token) callout(emoji_id))"
        );
        // Named as a value: beside the enum when it leaves another variant,
        let rows = vec![
            row("elements", "element[]"),
            with_enum(
                "type",
                "string",
                &[("textRun", "文本"), ("docsLink", "链接")],
            ),
            row("textRun", "text_run"),
            row("style", "text_style"),
            row("bold", "boolean"),
            row("docsLink", "docs_link"),
            row("url", "string"),
        ];
        assert_eq!(
            shape(&nest_alone(rows, None)),
            "elements(type textRun(style(bold)) docsLink(url))"
        );
        // but not out of a field that is no variant.
        let rows = vec![
            row("objects", "object_info[]"),
            with_enum(
                "object_type",
                "string",
                &[("text", "文本"), ("formula", "公式")],
            ),
            row("config", "object_config"),
            row("options", "string[]"),
            described("formula", "formula_info", "公式信息"),
            row("value", "string"),
        ];
        assert_eq!(
            shape(&nest_alone(rows, None)),
            "objects(object_type config(options formula(value)))"
        );
    }

    #[test]
    fn a_row_typed_like_a_container_is_its_sibling() {
        // The top level's example awaits `has_more`, which is no reason to
        // take `heading1` out of `items`.
        let rows = flat(&[
            ("items", "block[]"),
            ("block_id", "string"),
            ("text", "text"),
            ("content", "string"),
            ("heading1", "text"),
            ("content", "string"),
            ("has_more", "boolean"),
        ]);
        let json = example(
            r#"{"has_more": false, "items": [{"block_id": "b", "text": {"content": "c"}}]}"#,
        );
        assert_eq!(
            shape(&nest_alone(rows, Some(&json))),
            "items(block_id text(content) heading1(content)) has_more"
        );
    }

    #[test]
    fn a_row_named_in_another_style_leaves_the_container() {
        let rows = flat(&[
            ("record_id", "string"),
            ("content", "content_block"),
            ("imageList", "content_image[]"),
            ("fileToken", "string"),
            ("width", "int"),
            ("progress_rate", "progress_rate"),
            ("percent", "number"),
        ]);
        let tree = nest_alone(rows, None);
        assert_eq!(
            shape(&tree),
            "record_id content(imageList(fileToken width)) progress_rate(percent)"
        );
        // With every name so far in camelCase, the top level takes it.
        let rows = flat(&[
            ("content", "content_block"),
            ("imageList", "content_image[]"),
            ("fileToken", "string"),
            ("progress_rate", "progress_rate"),
            ("percent", "number"),
        ]);
        let json = example(r#"{"content": {"imageList": [{"fileToken": "t"}]}}"#);
        assert_eq!(
            shape(&nest_alone(rows, Some(&json))),
            "content(imageList(fileToken)) progress_rate(percent)"
        );
    }

    #[test]
    fn example_elements_each_show_fields() {
        let rows = vec![
            field("blocks", "block[]"),
            field("kind", "string"),
            field("image", "image"),
            field("token", "string"),
            field("size", "int"),
        ];
        let example =
            example(r#"{"blocks": [{"kind": "a"}, {"image": {"token": "t"}}], "size": 1}"#);
        let mut d = Diagnostics::new("p");
        let tree = nest_by_example(
            rows.into_iter().map(|f| (1, f)).collect(),
            Some(&example),
            &TypeDict::new(),
            &mut PageTypes::default(),
            &mut d,
        );
        assert_eq!(shape(&tree), "blocks(kind image(token)) size");
    }

    #[test]
    fn untyped_rows_take_the_example_kind() {
        let untyped = |name: &str| Field {
            name: name.into(),
            type_name: UNTYPED.into(),
            ..Field::default()
        };
        let mut list = untyped("list");
        list.fields.push(untyped("id"));
        let mut fields = vec![untyped("more"), list, untyped("note")];
        settle_untyped(
            &mut fields,
            Some(&example(r#"{"more": true, "list": [{"id": 7}]}"#)),
        );
        assert_eq!(fields[0].ty, Type::Boolean);
        assert_eq!(fields[1].ty, Type::Array);
        assert_eq!(
            fields[1].items.as_ref().unwrap().fields[0].ty,
            Type::Integer
        );
        assert_eq!(fields[2].ty, Type::String);
        assert!(fields.iter().all(|f| f.type_name.is_empty()));
    }

    #[test]
    fn nests_by_depth() {
        let mut d = Diagnostics::new("p");
        let tree = nest_by_depth(
            vec![
                (1, 0, field("a", "object")),
                (2, 1, field("b", "x[]")),
                (3, 2, field("c", "int")),
                (4, 0, field("d", "int")),
            ],
            &mut d,
        );
        assert_eq!(shape(&tree), "a(b(c)) d");
    }

    #[test]
    fn infers_from_example() {
        let tree = fields_from_example(&example(
            r#"{"a": {"b": [{"c": 1.5}, {"d": true}]}, "e": 1}"#,
        ));
        assert_eq!(shape(&tree), "a(b(c d)) e");
        assert_eq!(tree[1].ty, Type::Integer);
    }
}
