#include <catch2/catch.hpp>

#include "meetlat/document.h"

using namespace meetlat;

TEST_CASE("documents keep order and build key paths", "[document]") {
  Document d;
  NodeId acts = d.add(d.root(), "activiteit", NodeKind::array);
  d.add(acts, "", NodeKind::table);
  d.add(acts, "", NodeKind::table);
  NodeId third = d.add(acts, "", NodeKind::table);
  NodeId bijdrage = d.add(third, "bijdrage", NodeKind::table);
  NodeId y = d.add_integer(bijdrage, "2019", 5);
  CHECK(d.path(y) == "activiteit[2].bijdrage.2019");
  CHECK(d.member_path(third, "doel") == "activiteit[2].doel");
  CHECK(d.node(acts).child_count == 3);
  CHECK(d.find_path("activiteit") == acts);
  CHECK(d.find_path("activiteit.x") == kNoNode);
  d.add_string(d.root(), "a", "1");
  d.add_string(d.root(), "b", "2");
  d.remove(d.root(), "a");
  CHECK(d.find(d.root(), "a") == kNoNode);
  CHECK(d.node(d.find(d.root(), "b")).index == 1);
}

TEST_CASE("large strings survive further additions", "[document]") {
  Document d;
  std::string big(5000, 'x');
  NodeId id = d.add_string(d.root(), "big", big);
  for (int i = 0; i < 1000; ++i) d.add_string(d.root(), "k" + std::to_string(i), "value");
  CHECK(d.node(id).text == big);
}
