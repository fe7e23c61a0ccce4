-- View `rigorous`: measured rows of infersweep's own protocol (paired, interleaved, warmed up).
SELECT * FROM measured WHERE protocol = 'rigorous'
