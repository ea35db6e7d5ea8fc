// tensix kernel-API header: device profiler macros are accepted and do nothing (the simulator's
// clock and traces replace the device profiler).
#pragma once
#define DeviceZoneScopedN(name)
#define DeviceZoneScopedMainN(name)
#define DeviceZoneScopedMainChildN(name)
#define DeviceTimestampedData(name, data)
#define DeviceRecordEvent(id)
#define DeviceZoneSetCounter(counter)
