import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import { catalogs, type Locale } from ".";
import { labels } from "./labels";

/** The stored codes in both languages; values the catalog does not know stay as they are. */

const inLocale = (locale: Locale) => {
  const l = labels(createTranslator({ locale, messages: catalogs[locale], namespace: "labels" }));
  const roles = createTranslator({ locale, messages: catalogs[locale], namespace: "roles" });
  return { l, roles: (r: string) => roles(r as never) };
};

/** A field path as the audit page reads it: its segments joined by " › ". */
const path = (l: ReturnType<typeof labels>, p: string) => l.fieldSegments(p).map((s) => s.text).join(" › ");

describe("labels", () => {
  it("statuses, triggers, targets, actions in Chinese and English", () => {
    const zh = inLocale("zh-CN").l;
    const en = inLocale("en").l;
    expect([zh.generation("active"), zh.generation("ready"), zh.trigger("admin"), zh.trigger("api"), zh.targetType("credential"), zh.action("user.role_change")]).toEqual(["生效中", "就绪", "管理页面", "API", "凭据", "角色已变更"]);
    expect([en.generation("active"), en.trigger("admin"), en.targetType("credential"), en.action("source.update")]).toEqual(["active", "Admin page", "credential", "changed"]);
  });

  it("actors: system names translated, prefixed ones keep their name, usernames as they are", () => {
    const { l } = inLocale("zh-CN");
    expect(l.actor("system")).toBe("系统");
    expect(l.actor("system:first-start")).toBe("系统（首次启动）");
    expect(l.actor("cli:deploy-bot")).toBe("命令行（deploy-bot）");
    expect(l.actor("file:config/plugin-sources.yaml")).toBe("插件源文件（config/plugin-sources.yaml）");
    expect(l.actor("alice")).toBe("alice");
    expect(l.actor("system:not-yet-known")).toBe("system:not-yet-known");
  });

  it("field paths: known segments translated, data segments (submodules, node ids) kept", () => {
    const { l } = inLocale("zh-CN");
    expect(path(l, "settings.ref")).toBe("设置 › 引用（Ref）");
    expect(path(l, "pluginSets.custom_plugins.version")).toBe("插件集 › custom_plugins › 版本");
    expect(path(l, "nodes.t1.inputs.message")).toBe("节点 › t1 › 输入 › message");
    expect(path(inLocale("en").l, "from")).toBe("from");
    // Data segments are marked, so the audit page shows them as code, not as the app's words.
    expect(l.fieldSegments("nodes.t1.inputs.message").map((s) => s.known)).toEqual([true, false, true, false]);
  });

  it("values: roles and booleans translated (coded), everything else is data", () => {
    const { l, roles } = inLocale("zh-CN");
    expect(l.value("role", "admin", roles)).toEqual({ text: "管理员", coded: true });
    expect(l.value("enabled", false, roles)).toEqual({ text: "否", coded: true });
    expect(l.value("value", "set", roles)).toEqual({ text: "已设置", coded: true });
    // A source named "set" or a ref "admin" is data.
    expect(l.value("name", "set", roles)).toEqual({ text: "set", coded: false });
    expect(l.value("settings.ref", "admin", roles)).toEqual({ text: "admin", coded: false });
    expect(l.value("description", null, roles)).toEqual({ text: "∅", coded: false });
  });

  it("a generation's target name is translated; other names are data", () => {
    const { l } = inLocale("zh-CN");
    expect(l.targetName("generation", "generation 12")).toBe("版本代 12");
    expect(l.targetName("source", "generation 12")).toBe("generation 12");
  });
});
