// The page of a message's feedback link (js/links.js does the work).
import "./links.js";
