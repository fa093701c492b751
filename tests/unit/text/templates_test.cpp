#include "bfu/text/templates.hpp"

#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>

namespace bfu::text {
namespace {

namespace fs = std::filesystem;

constexpr std::array<TemplateFile, 4> kDefaults = {{
    {"hej.txt", "Hej {{namn}}!{{> fot.txt}}"},
    {"fot.txt", "\n-- {{avsandare}}"},
    {"sida.html", "<p>{{namn}}</p><p>{{{namn}}}</p>"},
    {"lista.txt", "{{#rader}}- {{text}}\n{{/rader}}{{^rader}}inga rader{{/rader}}"},
}};

class TemplatesTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            fs::temp_directory_path() /
            ("bfu-templates-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    void Write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
    }
    fs::path dir_;
};

TEST_F(TemplatesTest, RendersDefaultsWithPartials) {
    auto t = Templates::Load(kDefaults);
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    auto out = t->Render("hej.txt", {{"namn", "Åsa <Öberg>"}, {"avsandare", "bfu"}});
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    // Plain text is never HTML-escaped.
    EXPECT_EQ(*out, "Hej Åsa <Öberg>!\n-- bfu");
    EXPECT_EQ(t->Origin("hej.txt"), "default");
}

TEST_F(TemplatesTest, HtmlTemplatesEscapeValues) {
    auto t = Templates::Load(kDefaults);
    ASSERT_TRUE(t.ok());
    auto out = t->Render("sida.html", {{"namn", "<script>&\"'"}});
    ASSERT_TRUE(out.ok());
    EXPECT_NE(out->find("&lt;script&gt;&amp;&quot;"), std::string::npos) << *out;
    // {{{ }}} is the template author's explicit choice not to escape.
    EXPECT_NE(out->find("<p><script>&\"'</p>"), std::string::npos) << *out;
}

TEST_F(TemplatesTest, ListsNullAndEmptyAreFalse) {
    auto t = Templates::Load(kDefaults);
    ASSERT_TRUE(t.ok());
    auto some = t->Render("lista.txt", {{"rader", {{{"text", "a"}}, {{"text", "b"}}}}});
    ASSERT_TRUE(some.ok());
    EXPECT_EQ(*some, "- a\n- b\n");
    auto none = t->Render("lista.txt", {{"rader", nlohmann::json::array()}});
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, "inga rader");
    auto null = t->Render("lista.txt", {{"rader", nullptr}});
    ASSERT_TRUE(null.ok());
    EXPECT_EQ(*null, "inga rader");
}

TEST_F(TemplatesTest, AFolderOverridesFileByFileAndAddsPartials) {
    Write("hej.txt.mustache", "Goddag {{namn}}.{{> egen.txt}}");
    Write("egen.txt.mustache", " Vänliga hälsningar, ekonomienheten");
    Write("readme.md", "not a template");
    auto t = Templates::Load(kDefaults, dir_);
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    auto out = t->Render("hej.txt", {{"namn", "Per"}});
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(*out, "Goddag Per. Vänliga hälsningar, ekonomienheten");
    EXPECT_EQ(t->Origin("hej.txt"), (dir_ / "hej.txt.mustache").string());
    EXPECT_EQ(t->Origin("fot.txt"), "default");
    EXPECT_FALSE(t->Has("readme.md"));
}

TEST_F(TemplatesTest, ABrokenTemplateNamesItsFile) {
    Write("hej.txt.mustache", "Hej {{#namn}} utan slut");
    auto t = Templates::Load(kDefaults, dir_);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, core::Errc::kInvalidArgument);
    EXPECT_NE(t.error().message.find((dir_ / "hej.txt.mustache").string()), std::string::npos)
        << t.error().message;
}

TEST_F(TemplatesTest, UnknownNamesAndMissingPartialsAreErrors) {
    auto t = Templates::Load(kDefaults);
    ASSERT_TRUE(t.ok());
    auto unknown = t->Render("finns.inte", {});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, core::Errc::kNotFound);
    auto missing_dir = Templates::Load(kDefaults, dir_ / "saknas");
    ASSERT_FALSE(missing_dir.ok());
    EXPECT_NE(missing_dir.error().message.find("saknas"), std::string::npos);
}

TEST_F(TemplatesTest, ExportWritesTheDefaultsOnce) {
    auto written = ExportTemplates(kDefaults, dir_ / "mallar", false);
    ASSERT_TRUE(written.ok());
    EXPECT_EQ(written->size(), kDefaults.size());
    Write("mallar/hej.txt.mustache", "ändrad");
    auto again = ExportTemplates(kDefaults, dir_ / "mallar", false);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->empty());  // the municipality's edits are left alone
    auto t = Templates::Load(kDefaults, dir_ / "mallar");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(*t->Source("hej.txt"), "ändrad");
}

}  // namespace
}  // namespace bfu::text
