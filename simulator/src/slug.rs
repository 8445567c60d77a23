//! String enums as the vendors spell them on the wire.

/// Declares an enum whose variants have wire names, with `as_str`, `parse`, `ALL` and
/// `Serialize`.
#[macro_export]
macro_rules! slug_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $slug:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            /// The value with this wire name.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($slug => Some($name::$variant),)+ _ => None }
            }

            /// The wire names joined for messages: `a, b, c`.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Implements `Deserialize` by wire name (through `parse`) for enums declared with
/// [`slug_enum!`], e.g. to read them back from a state file.
#[macro_export]
macro_rules! slug_enum_deserialize {
    ($($name:path),+ $(,)?) => {
        $(
            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                    <$name>::parse(&text).ok_or_else(|| {
                        serde::de::Error::custom(format!(
                            "unknown {} {:?}, expected one of: {}",
                            stringify!($name),
                            text,
                            <$name>::names()
                        ))
                    })
                }
            }
        )+
    };
}
