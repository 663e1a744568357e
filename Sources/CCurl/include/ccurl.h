int herald_curl_placeholder(void);
