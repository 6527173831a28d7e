//! The serde plumbing of the generated types.
//!
//! `#[derive(Serialize, Deserialize)]` on the thousands of generated structs
//! expands to millions of lines and made the crate slow to compile. The
//! generated impls instead call these two helpers, one short line per field:
//! [`Fields`] reads an object into a map and hands each field out by name;
//! [`Writer`] writes the fields that are set.

use serde::de::DeserializeOwned;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// An object's fields, read once, taken one by one. Unknown fields are
/// ignored; a missing or `null` field reads as `null` (so `None`), a missing
/// list as empty. [`take`](Self::take) keeps the first error for
/// [`finish`](Self::finish), so a generated impl needs no `?` per field.
pub struct Fields<E> {
    map: Map<String, Value>,
    error: Option<E>,
}

impl<'de, E: serde::de::Error> Fields<E> {
    pub fn read<D: Deserializer<'de, Error = E>>(deserializer: D) -> Result<Self, E> {
        Ok(Fields {
            map: Map::deserialize(deserializer)?,
            error: None,
        })
    }

    /// The field `key`, or its `Default` with the error kept for `finish`.
    pub fn take<T: DeserializeOwned + Default>(&mut self, key: &str) -> T {
        self.take_required(key).unwrap_or_else(|e| {
            self.error.get_or_insert(e);
            T::default()
        })
    }

    /// The field `key`, for types without a `Default`; errors name it.
    pub fn take_required<T: DeserializeOwned>(&mut self, key: &str) -> Result<T, E> {
        let value = self.map.remove(key).unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| E::custom(format_args!("field `{key}`: {e}")))
    }

    /// The list `key`, empty when missing or `null`.
    pub fn take_list<T: DeserializeOwned>(&mut self, key: &str) -> Vec<T> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => self.take_value(key, value),
        }
    }

    fn take_value<T: DeserializeOwned + Default>(&mut self, key: &str, value: Value) -> T {
        serde_json::from_value(value).unwrap_or_else(|e| {
            self.error
                .get_or_insert(E::custom(format_args!("field `{key}`: {e}")));
            T::default()
        })
    }

    /// `value`, unless a field failed.
    pub fn finish<T>(self, value: T) -> Result<T, E> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

/// Writes an object's fields; unset optional fields and empty lists are
/// left out. The first error is kept for [`end`](Self::end).
pub struct Writer<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Writer<M> {
    pub fn new<S: Serializer<SerializeMap = M>>(serializer: S) -> Result<Self, S::Error> {
        Ok(Writer {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }

    pub fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        if self.error.is_none() {
            self.error = self.map.serialize_entry(key, value).err();
        }
    }

    pub fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    pub fn list<T: Serialize>(&mut self, key: &str, value: &[T]) {
        if !value.is_empty() {
            self.field(key, value);
        }
    }

    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        name: String,
        note: Option<String>,
        tags: Vec<i64>,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut fields = Fields::read(deserializer)?;
            let item = Item {
                name: fields.take_required("name")?,
                note: fields.take("note"),
                tags: fields.take_list("tags"),
            };
            fields.finish(item)
        }
    }

    impl Serialize for Item {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut writer = Writer::new(serializer)?;
            writer.field("name", &self.name);
            writer.optional("note", &self.note);
            writer.list("tags", &self.tags);
            writer.end()
        }
    }

    #[test]
    fn reads_and_writes_fields() {
        let item: Item = serde_json::from_str(r#"{"name":"a","extra":1,"tags":null}"#).unwrap();
        assert_eq!(serde_json::to_string(&item).unwrap(), r#"{"name":"a"}"#);
        let item: Item = serde_json::from_str(r#"{"name":"a","note":"n","tags":[1]}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"name":"a","note":"n","tags":[1]}"#
        );
        let err = serde_json::from_str::<Item>(r#"{"name":1}"#).err().unwrap();
        assert!(
            err.to_string().starts_with("field `name`: invalid type"),
            "{err}"
        );
    }
}
