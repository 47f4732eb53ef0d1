export const label = { en: "Shout", "zh-CN": "喊" };
