"""Privacy controls: reporter data kept out of logs, location metadata stripped from photos."""
