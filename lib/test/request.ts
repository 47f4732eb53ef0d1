/** A minimal stand-in for Next's request cookie store, shared by tests and the code under test. */
class CookieJar {
  private jar = new Map<string, string>();
  ip = "203.0.113.7";
  get(name: string) {
    const value = this.jar.get(name);
    return value === undefined ? undefined : { name, value };
  }
  getAll() {
    return [...this.jar].map(([name, value]) => ({ name, value }));
  }
  has(name: string) {
    return this.jar.has(name);
  }
  set(name: string | { name: string; value: string }, value?: string) {
    if (typeof name === "object") this.jar.set(name.name, name.value);
    else this.jar.set(name, value ?? "");
    return this;
  }
  delete(name: string) {
    this.jar.delete(name);
    return this;
  }
  clear() {
    this.jar.clear();
  }
  /** The Cookie header a browser would send with this jar. */
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  requestHeaders(): Record<string, string> {
    return { cookie: this.header(), "x-forwarded-for": this.ip };
  }
}

export const testCookies = new CookieJar();
