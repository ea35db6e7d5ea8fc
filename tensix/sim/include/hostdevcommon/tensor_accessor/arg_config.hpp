// tensix kernel-API header: TensorAccessorArgs config bits (API §2.6).
#pragma once
#include <cstdint>
namespace tensor_accessor {
enum class ArgConfig : std::uint8_t {
    None = 0, Sharded = 1, IsDram = 2, RuntimeRank = 4, RuntimeNumBanks = 8, RuntimeTensorShape = 16,
    RuntimeShardShape = 32, RuntimeBankCoords = 64,
    Runtime = RuntimeRank | RuntimeNumBanks | RuntimeTensorShape | RuntimeShardShape | RuntimeBankCoords
};
constexpr std::uint8_t operator&(ArgConfig a, ArgConfig b) { return std::uint8_t(a) & std::uint8_t(b); }
constexpr std::size_t UNKNOWN = static_cast<std::size_t>(-1);
}  // namespace tensor_accessor
