// The page of a message's unsubscribe link (js/links.js does the work).
import "./links.js";
