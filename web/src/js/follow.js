// The page of a message's follow link (js/links.js does the work).
import "./links.js";
