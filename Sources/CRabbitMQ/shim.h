#ifndef HERALD_CRABBITMQ_SHIM_H
#define HERALD_CRABBITMQ_SHIM_H

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <amqp_framing.h>
#include <string.h>

// Swift cannot call C variadic functions nor import macros that cast, so the few that Herald needs are restated here.

static const amqp_method_number_t HERALD_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_method_number_t HERALD_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t HERALD_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t HERALD_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t HERALD_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t HERALD_BASIC_DELIVER = AMQP_BASIC_DELIVER_METHOD;
static const amqp_method_number_t HERALD_BASIC_CANCEL = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t HERALD_BASIC_GET_OK = AMQP_BASIC_GET_OK_METHOD;
static const amqp_method_number_t HERALD_CHANNEL_CLOSE_OK = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const amqp_method_number_t HERALD_CONNECTION_CLOSE_OK = AMQP_CONNECTION_CLOSE_OK_METHOD;

static inline amqp_rpc_reply_t herald_amqp_login(amqp_connection_state_t state, const char *vhost, int heartbeat,
                                                 const char *user, const char *password, const char *name) {
    amqp_table_entry_t entries[1];
    entries[0].key = amqp_cstring_bytes("connection_name");
    entries[0].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[0].value.value.bytes = amqp_cstring_bytes(name);
    amqp_table_t properties = {1, entries};
    return amqp_login_with_properties(state, vhost, 0, AMQP_DEFAULT_FRAME_SIZE, heartbeat, &properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

static inline amqp_table_entry_t herald_table_utf8(amqp_bytes_t key, amqp_bytes_t value) {
    amqp_table_entry_t entry;
    entry.key = key;
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = value;
    return entry;
}

static inline amqp_table_entry_t herald_table_i64(amqp_bytes_t key, int64_t value) {
    amqp_table_entry_t entry;
    entry.key = key;
    entry.value.kind = AMQP_FIELD_KIND_I64;
    entry.value.value.i64 = value;
    return entry;
}

/// Reads a field of any integer kind as int64; returns 0 when the field is not an integer.
static inline int herald_field_integer(const amqp_field_value_t *field, int64_t *out) {
    switch (field->kind) {
    case AMQP_FIELD_KIND_I8: *out = field->value.i8; return 1;
    case AMQP_FIELD_KIND_U8: *out = field->value.u8; return 1;
    case AMQP_FIELD_KIND_I16: *out = field->value.i16; return 1;
    case AMQP_FIELD_KIND_U16: *out = field->value.u16; return 1;
    case AMQP_FIELD_KIND_I32: *out = field->value.i32; return 1;
    case AMQP_FIELD_KIND_U32: *out = field->value.u32; return 1;
    case AMQP_FIELD_KIND_I64: *out = field->value.i64; return 1;
    case AMQP_FIELD_KIND_U64: *out = (int64_t)field->value.u64; return 1;
    default: return 0;
    }
}

/// Reads a field of a string kind; returns 0 when the field is not a string.
static inline int herald_field_bytes(const amqp_field_value_t *field, amqp_bytes_t *out) {
    if (field->kind == AMQP_FIELD_KIND_UTF8 || field->kind == AMQP_FIELD_KIND_BYTES) {
        *out = field->value.bytes;
        return 1;
    }
    return 0;
}

#endif
