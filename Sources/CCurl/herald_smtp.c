#include "herald_smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct herald_smtp {
    CURL *curl;
    char last_reply[256];  /* the server's last reply line, for error messages */
};

/* Keeps the server's latest refusal line: libcurl reports only the code, and an operator wants the text too.
   libcurl hands every SMTP reply line to the header callback, which costs nothing like CURLOPT_VERBOSE's
   debug callback (with it, libcurl formats a line of text for everything it does). */
static size_t capture_reply(char *data, size_t size, size_t count, void *context) {
    size_t length = size * count;
    /* Only refusals: after one, curl says QUIT and the 221 that follows is not the news. */
    if (length == 0 || (data[0] != '4' && data[0] != '5')) return length;
    herald_smtp *smtp = context;
    size_t n = length < sizeof smtp->last_reply - 1 ? length : sizeof smtp->last_reply - 1;
    while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n')) n--;
    memcpy(smtp->last_reply, data, n);
    smtp->last_reply[n] = 0;
    return length;
}

typedef struct {
    const char *data;
    size_t remaining;
} upload;

static pthread_once_t global_init = PTHREAD_ONCE_INIT;

static void init_curl(void) { curl_global_init(CURL_GLOBAL_ALL); }

static size_t read_upload(char *buffer, size_t size, size_t count, void *context) {
    upload *source = context;
    size_t room = size * count;
    size_t n = source->remaining < room ? source->remaining : room;
    memcpy(buffer, source->data, n);
    source->data += n;
    source->remaining -= n;
    return n;
}

herald_smtp *herald_smtp_new(void) {
    pthread_once(&global_init, init_curl);
    herald_smtp *smtp = calloc(1, sizeof *smtp);
    if (smtp == NULL) return NULL;
    smtp->curl = curl_easy_init();
    if (smtp->curl == NULL) {
        free(smtp);
        return NULL;
    }
    return smtp;
}

void herald_smtp_free(herald_smtp *smtp) {
    if (smtp == NULL) return;
    curl_easy_cleanup(smtp->curl);
    free(smtp);
}

herald_smtp_result herald_smtp_send(herald_smtp *smtp, const herald_smtp_options *options, const char *from,
                                    const char *const *recipients, size_t recipient_count,
                                    const char *data, size_t length) {
    herald_smtp_result result = {0};
    char error[CURL_ERROR_SIZE] = {0};
    CURL *curl = smtp->curl;
    struct curl_slist *rcpt = NULL;
    for (size_t i = 0; i < recipient_count; i++) rcpt = curl_slist_append(rcpt, recipients[i]);
    upload source = {data, length};

    smtp->last_reply[0] = 0;
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, capture_reply);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, smtp);
    curl_easy_setopt(curl, CURLOPT_URL, options->url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, options->tls == HERALD_SMTP_TLS_REQUIRED ? CURLUSESSL_ALL
                                            : options->tls == HERALD_SMTP_TLS_OPPORTUNISTIC ? CURLUSESSL_TRY
                                                                                             : CURLUSESSL_NONE);
    curl_easy_setopt(curl, CURLOPT_CAINFO, options->ca_file);
    curl_easy_setopt(curl, CURLOPT_USERNAME, options->username);
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options->password);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &source);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)length);

    CURLcode code = curl_easy_perform(curl);
    result.curl_code = (int)code;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.reply_code);
    if (code != CURLE_OK) {
        const char *text = smtp->last_reply[0] && result.reply_code >= 400 ? smtp->last_reply
                           : error[0]                                      ? error
                                                                           : curl_easy_strerror(code);
        strncpy(result.message, text, sizeof result.message - 1);
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(rcpt);
    return result;
}

int herald_smtp_is_login_denied(int curl_code) { return curl_code == CURLE_LOGIN_DENIED; }
