export function Technical() {
  return (
    <ul>
      <li>{"https://s3.example.com"}</li>
      <li>{"/mnt/plugins"}</li>
      <li>{"plugins/"}</li>
      <li>{"a.b.c"}</li>
      <li>{"custom_plugins/collections/test1.js"}</li>
      <li>{"Search"}</li>
      <li>{"Save."}</li>
      <li>{"Repository URL"}</li>
      <li>{"e g"}</li>
    </ul>
  );
}
