// tensix: sanitizer/api.h: LLK_SAN_FUNCTION() is a no-op here
#pragma once
#ifndef LLK_SAN_FUNCTION
#define LLK_SAN_FUNCTION()
#endif
