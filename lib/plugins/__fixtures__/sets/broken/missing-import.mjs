import { nope } from "./nope.mjs";
export default nope;
