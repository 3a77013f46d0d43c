"""What every service of the emulator shares: the clock, the database, the regions and the
base error."""
