-- View `article`: measured rows of the seed article's protocol (cold, gradients recorded, loop mean).
SELECT * FROM measured WHERE protocol = 'seed'
