// tensix: api/dataflow/cross_node_dfb.h is named by API-current §5 without its contents
#pragma once
#error "api/dataflow/cross_node_dfb.h is not provided by tensix yet"
