-- View `measured`: the rows with a measurement (status ok), both protocols.
SELECT * FROM trials WHERE status = 'ok'
