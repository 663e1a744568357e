#ifndef HERALD_SMTP_H
#define HERALD_SMTP_H

#include <stddef.h>

/// One SMTP client over a libcurl easy handle. The handle keeps its connection open between sends, so consecutive
/// messages reuse one SMTP session. Not thread-safe: one thread uses a handle at a time.
typedef struct herald_smtp herald_smtp;

typedef enum {
    HERALD_SMTP_TLS_NONE = 0,
    /// STARTTLS when the server offers it.
    HERALD_SMTP_TLS_OPPORTUNISTIC = 1,
    /// STARTTLS or fail (implied for smtps:// URLs).
    HERALD_SMTP_TLS_REQUIRED = 2,
} herald_smtp_tls;

typedef struct {
    const char *url;        /* smtp://host:port or smtps://host:port */
    const char *username;   /* NULL for no AUTH */
    const char *password;
    const char *ca_file;    /* NULL for the system's trust store */
    herald_smtp_tls tls;
    long timeout_ms;
} herald_smtp_options;

typedef struct {
    int curl_code;          /* CURLE_OK on success */
    long reply_code;        /* the server's last SMTP reply code, 0 when none */
    char message[256];      /* curl's description of the failure */
} herald_smtp_result;

herald_smtp *herald_smtp_new(void);
void herald_smtp_free(herald_smtp *smtp);

/// Sends one message (`data` is the complete RFC 5322 message with CRLF line ends).
herald_smtp_result herald_smtp_send(herald_smtp *smtp, const herald_smtp_options *options, const char *from,
                                    const char *const *recipients, size_t recipient_count,
                                    const char *data, size_t length);

/// Whether the failure was the server refusing the login.
int herald_smtp_is_login_denied(int curl_code);

#endif
