// A malformed frame's bad_request message names what is wrong in Russian:
// the real JSON codec's refusals, each through decode_request().
#include "server/internal/request_decoder.hpp"

#include <capnp/message.h>
#include <gtest/gtest.h>

#include <string>

namespace zhurnal::server::internal {
namespace {

std::string refusal(const std::string& frame) {
  capnp::MallocMessageBuilder m;
  auto message = decode_request(frame, m.initRoot<schema::Request>());
  return message ? *message : "(accepted)";
}

TEST(RequestDecoderTest, TheCodecsRefusalsAreToldInRussian) {
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  const struct {
    std::string frame, message;
  } cases[] = {
      {R"({"id":"1","type":"x"})", "неизвестное поле «type»"},
      {R"({"id":"1","subscribe":{"diary":{"studentId":"s","colour":1}}})",
       "неизвестное поле «colour»"},
      {R"({"id":"1","classRoster":5})", "ожидается строка"},
      {R"({"id":"1","log":{"limit":true}})", "ожидается целое число"},
      {R"({"id":"1","log":{"fromPosition":"abc"}})", "ожидается число, а не «abc»"},
      {R"({"id":"1","log":{"limit":-1}})", "число вне допустимого диапазона"},
      {R"({"id":"1","command":{"commandId":"c","command":{"recordAttendance":{"code":"tardy"}}}})",
       "недопустимое значение «tardy»"},
      {R"({"id":"1","classRoster":"c5a")", "JSON обрывается"},
      {R"({"id":"1","classRoster":"c5a"} xx)", "после JSON есть лишние символы"},
      {R"(nonsense)", "это не JSON"},
      {R"([1,2])", "ожидается объект JSON"},
      {R"({"id":"1","classRoster":"\uZZZZ"})", "неверная escape-последовательность \\u в строке"},
      {R"({"id":"1","log":)" + deep + "}", "слишком глубокая вложенность"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(refusal(c.frame), "Некорректный запрос: " + c.message) << c.frame;
  }
  EXPECT_EQ(refusal(R"({"id":"1","classRoster":"c5a"})"), "(accepted)");
}

TEST(RequestDecoderTest, AReasonNotForeseenIsKeptAsTheCodecSaidIt) {
  EXPECT_EQ(codec_reason_ru("expected foo; Something new"), "expected foo; Something new");
  EXPECT_EQ(codec_reason_ru("Unknown field"), "неизвестное поле");
}

}  // namespace
}  // namespace zhurnal::server::internal
