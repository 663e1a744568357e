#include "ccurl.h"
int herald_curl_placeholder(void) { return 0; }
