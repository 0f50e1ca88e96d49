// Image-folder datasets: every image decoded (JPEG/PNG) and resized to the
// dataset's paper size.
//   class folders   <dir>/<class>/<image>   classes sorted by name (Keras' flow_from_directory)
//   HAM10000        <dir>/HAM10000_metadata.csv (columns image_id and dx) and the
//                   images <image_id>.jpg in <dir>, <dir>/HAM10000_images_part_1 or _part_2;
//                   classes: akiec bcc bkl df mel nv vasc (sorted dx codes)
//   Dogs vs Cats    <dir>/cat.N.jpg and <dir>/dog.N.jpg (or in <dir>/train); cat 0, dog 1
#pragma once
#include <string>
#include <vector>

#include "data/image_set.h"

namespace adma::data {

struct ImageGeometry {
  int32_t channels = 3, height = 0, width = 0;
};

// Throws naming the folder when it is missing, holds no class folders, or a
// class folder holds no image; and naming the file for an undecodable image.
ImageSet read_class_folders(const std::string& dir, const ImageGeometry& g, std::vector<std::string>* class_names);
ImageSet read_ham10000(const std::string& dir, const ImageGeometry& g, std::vector<std::string>* class_names);
ImageSet read_dogs_vs_cats(const std::string& dir, const ImageGeometry& g, std::vector<std::string>* class_names);

// The seven HAM10000 diagnosis codes, in label order.
const std::vector<std::string>& ham10000_classes();

}  // namespace adma::data
