"""Lead up: metric reports and debriefs with the boss (`/salesreport`, `/debrief`)."""
