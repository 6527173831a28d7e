//! Runtime for the generated Feishu / Lark client.
